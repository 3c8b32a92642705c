import { ADMIN_PASSWORD } from '../../support/node.js';

/** The node's /metrics text, read as Prometheus would (HTTP Basic). */
export async function metricsText(httpPort: number): Promise<string> {
  const auth = `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`;
  const response = await fetch(`http://127.0.0.1:${httpPort}/metrics`, { headers: { authorization: auth } });
  return response.text();
}

/** The value of one sample (`name{labels}`), 0 when absent. */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
