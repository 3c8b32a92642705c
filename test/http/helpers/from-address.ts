import http from 'node:http';

export interface AddressedResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request to the node on 127.0.0.1 from the local address `from` (another loopback
 * address: a different client as the node sees it), on a fresh connection.
 */
export function requestFrom(
  from: string,
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<AddressedResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        localAddress: from,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { ...options.headers, connection: 'close' },
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
