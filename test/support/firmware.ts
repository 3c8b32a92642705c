import { ADMIN_PASSWORD } from './node.js';

/** Uploads firmware files to a node as the UI does (multipart POST /firmware-loads); the HTTP status. */
export async function uploadFirmware(httpPort: number, files: Record<string, Buffer>): Promise<Response> {
  const form = new FormData();
  for (const [name, content] of Object.entries(files))
    form.append('file', new Blob([new Uint8Array(content)]), name);
  return fetch(`http://127.0.0.1:${httpPort}/api/v1/firmware-loads`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`CCMAdministrator:${ADMIN_PASSWORD}`).toString('base64')}`,
    },
    body: form,
  });
}
