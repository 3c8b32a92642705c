/** The UI's only way to the node: the public REST API, with the session cookie and the CSRF token. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
    /** With 429: when the node will take the next attempt. */
    readonly retryAt?: Date,
  ) {
    super(message);
  }
}

interface ErrorBody {
  error?: string;
  message?: string;
  field?: string;
  retryAt?: string;
}

/** The ApiError of a refused call, from its status and JSON body (if any). */
function refusal(status: number, statusText: string, parsed: unknown): ApiError {
  const e = (parsed ?? {}) as ErrorBody;
  const retryAt = e.retryAt ? new Date(e.retryAt) : undefined;
  return new ApiError(
    status,
    e.error ?? 'error',
    e.message ?? `the node answered ${status} ${statusText}`,
    e.field,
    retryAt && !Number.isNaN(retryAt.getTime()) ? retryAt : undefined,
  );
}

let csrfToken: string | null = null;
let onSessionEnded: (message: string) => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function getCsrfToken(): string | null {
  return csrfToken;
}

/** Called when the API answers 401 to a signed-in page (session ended, idle too long). */
export function whenSessionEnds(handler: (message: string) => void): void {
  onSessionEnded = handler;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'openucm-ui' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'the node does not answer: check that it is running and reachable');
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = refusal(response.status, response.statusText, parsed);
    if (response.status === 401 && path !== '/login' && path !== '/me') onSessionEnded(error.message);
    throw error;
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** `?a=1&b=2` from the defined, non-empty values. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * POSTs files as multipart/form-data (one `field` part per file), reporting the bytes sent:
 * XMLHttpRequest, because fetch has no upload progress.
 */
export function uploadFiles<T>(
  path: string,
  files: File[],
  onProgress: (sent: number, total: number) => void,
  field = 'file',
): Promise<T> {
  const form = new FormData();
  for (const f of files) form.append(field, f, f.name);
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1${path}`);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('x-requested-with', 'openucm-ui');
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded, e.total);
    };
    xhr.onerror = () =>
      reject(new ApiError(0, 'network', 'the upload was interrupted: check that the node is running'));
    xhr.onload = () => {
      let parsed: unknown;
      try {
        parsed = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(parsed as T);
        return;
      }
      const error = refusal(xhr.status, xhr.statusText, parsed);
      if (xhr.status === 401) onSessionEnded(error.message);
      reject(error);
    };
    xhr.send(form);
  });
}
