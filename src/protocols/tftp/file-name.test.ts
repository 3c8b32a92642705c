import { describe, expect, it } from 'vitest';
import { normalizeRequestedName } from './file-name.js';

describe('normalizeRequestedName', () => {
  it('keeps plain names and their case', () => {
    expect(normalizeRequestedName('SEP001122AABBCC.cnf.xml')).toBe('SEP001122AABBCC.cnf.xml');
    expect(normalizeRequestedName('OS79XX.TXT')).toBe('OS79XX.TXT');
    expect(normalizeRequestedName('...hidden')).toBe('...hidden');
  });

  it('strips a leading slash and ./, and collapses . and empty segments', () => {
    expect(normalizeRequestedName('/XMLDefault.cnf.xml')).toBe('XMLDefault.cnf.xml');
    expect(normalizeRequestedName('./XMLDefault.cnf.xml')).toBe('XMLDefault.cnf.xml');
    expect(normalizeRequestedName('/./././a.txt')).toBe('a.txt');
    expect(normalizeRequestedName('/etc/passwd')).toBe('etc/passwd');
    expect(normalizeRequestedName('a//b/./c')).toBe('a/b/c');
  });

  it('converts backslashes to slashes', () => {
    expect(normalizeRequestedName('firmware\\term41.default.loads')).toBe('firmware/term41.default.loads');
    expect(normalizeRequestedName('\\SIPDefault.cnf')).toBe('SIPDefault.cnf');
  });

  it('refuses traversal with .. in any position and separator style', () => {
    for (const name of [
      '..',
      '../etc/passwd',
      'a/../../b',
      'a/..',
      '..\\..\\windows\\win.ini',
      '/..',
      './../x',
    ]) {
      expect(normalizeRequestedName(name), name).toBeNull();
    }
  });

  it('refuses NUL bytes, absolute Windows and UNC paths, and empty names', () => {
    for (const name of [
      'a\0b',
      '\0',
      'SEP.cnf.xml\0../../etc/passwd',
      'C:\\boot.ini',
      'c:x',
      'C:/x',
      '//host/share',
      '\\\\host\\share',
      '',
      '/',
      './',
      '.',
      '//',
    ]) {
      expect(normalizeRequestedName(name), JSON.stringify(name)).toBeNull();
    }
  });
});
