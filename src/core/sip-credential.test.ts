import { expect, it } from 'vitest';
import {
  credentialHashes,
  defaultDigestUser,
  digestUserProblem,
  sipPasswordProblem,
} from './sip-credential.js';

it('gives a device its own name as digest user unless told otherwise', () => {
  expect(defaultDigestUser('SEP001122AABBCC')).toBe('SEP001122AABBCC');
  expect(digestUserProblem('SEP001122AABBCC', 'SEP001122AABBCC')).toBeNull();
  expect(digestUserProblem('2001', 'SEP001122AABBCC')).toBeNull();
  expect(digestUserProblem('j.smith@example.com', 'SEP001122AABBCC')).toBeNull();
});

it('names the rule a digest user breaks', () => {
  expect(digestUserProblem('', 'SEP001122AABBCC')).toContain('empty');
  expect(digestUserProblem('a'.repeat(129), 'SEP001122AABBCC')).toContain('at most 128');
  expect(digestUserProblem('john smith', 'SEP001122AABBCC')).toContain('letters, digits');
  expect(digestUserProblem('user:x', 'SEP001122AABBCC')).toContain('letters, digits');
  expect(digestUserProblem('SEP001122AABBCD', 'SEP001122AABBCC')).toContain("device's own name");
});

it('names the rule a password breaks without repeating it', () => {
  expect(sipPasswordProblem('correct horse')).toBeNull();
  expect(sipPasswordProblem('short')).toContain('8 to 64');
  expect(sipPasswordProblem('x'.repeat(65))).toContain('8 to 64');
  const quoted = sipPasswordProblem('pass"word');
  expect(quoted).toContain('except "');
  expect(quoted).not.toContain('pass"word');
  expect(sipPasswordProblem('pässwörd1')).toContain('printable ASCII');
  expect(sipPasswordProblem('line\nbreak')).toContain('printable ASCII');
  expect(sipPasswordProblem(' padded-pw ')).toContain('space');
});

it('stores the HA1 values of RFC 2617 §3.5 (MD5) and their SHA-256 counterpart', () => {
  const h = credentialHashes('Mufasa', 'testrealm@host.com', 'Circle Of Life');
  expect(h.ha1Md5).toBe('939e7578ed9e3c518a452acee763bce9');
  expect(h.ha1Sha256).toMatch(/^[0-9a-f]{64}$/);
});
