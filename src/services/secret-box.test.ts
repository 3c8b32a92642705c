import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, expect, it } from 'vitest';
import { SecretBox, sealedKeyId } from './secret-box.js';
import { loadSecretKey } from './secret-key-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-key-'));
  dirs.push(d);
  return d;
};
const silent = pino({ level: 'silent' });

it('seals and opens a secret, never in clear, bound to its context', () => {
  const box = new SecretBox(randomBytes(32));
  const sealed = box.seal('correct horse', 'SEP001122AABBCC\nalice');
  expect(sealed).not.toContain('correct horse');
  expect(sealedKeyId(sealed)).toBe(box.keyId);
  expect(box.open(sealed, 'SEP001122AABBCC\nalice')).toEqual({ ok: true, value: 'correct horse' });
  expect(box.seal('correct horse', 'x')).not.toBe(box.seal('correct horse', 'x'));
  // Copied to another device's row, it does not open.
  expect(box.open(sealed, 'SEP001122AABBCD\nalice')).toMatchObject({ ok: false, reason: 'damaged' });
});

it('says which key a value was sealed with when this node holds another', () => {
  const a = new SecretBox(randomBytes(32));
  const b = new SecretBox(randomBytes(32));
  expect(b.open(a.seal('pw', 'c'), 'c')).toEqual({ ok: false, reason: 'other-key', keyId: a.keyId });
  expect(b.open('not sealed', 'c')).toMatchObject({ ok: false, reason: 'damaged' });
});

it('creates the key file once, readable by its owner only, and reads the same key afterwards', async () => {
  const file = path.join(tempDir(), 'data', 'secret.key');
  const first = await loadSecretKey(file, silent);
  expect(first.created).toBe(true);
  expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  const again = await loadSecretKey(file, silent);
  expect(again).toMatchObject({ created: false, id: first.id });
  expect(again.key.equals(first.key)).toBe(true);
});

it('refuses a key file that holds no key, saying what to do', async () => {
  const file = path.join(tempDir(), 'secret.key');
  fs.writeFileSync(file, 'not a key\n', { mode: 0o600 });
  await expect(loadSecretKey(file, silent)).rejects.toThrow(/does not hold a key.*put back the copy/);
});
