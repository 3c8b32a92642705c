/** A browser-like client of the API: signs in, keeps the session cookie, sends the CSRF token. */
export interface SessionClient {
  csrfToken: string;
  cookie: string;
  call<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: { csrf?: boolean; headers?: Record<string, string> },
  ): Promise<{ status: number; body: T; headers: Headers }>;
}

export async function signIn(port: number, name: string, password: string): Promise<SessionClient> {
  const base = `http://127.0.0.1:${port}`;
  const login = await fetch(`${base}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  if (login.status !== 200) throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken } = (await login.json()) as { csrfToken: string };
  return {
    csrfToken,
    cookie,
    async call(method, path, body, options = {}) {
      const headers: Record<string, string> = { cookie, ...options.headers };
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (options.csrf !== false && method !== 'GET') headers['x-csrf-token'] = csrfToken;
      const r = await fetch(`${base}/api/v1${path}`, {
        method,
        headers,
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      const text = await r.text();
      return { status: r.status, body: (text ? JSON.parse(text) : null) as never, headers: r.headers };
    },
  };
}
