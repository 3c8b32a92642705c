import { describe, expect, it } from 'vitest';
import { nameForLog, normalizeRequestedName } from './file-name.js';

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

  it('refuses a name longer than any file system allows, and logs only its start', () => {
    expect(normalizeRequestedName('a'.repeat(255))).toBe('a'.repeat(255));
    expect(normalizeRequestedName('a'.repeat(256))).toBeNull();
    expect(nameForLog('SEP001122AABBCC.cnf.xml')).toBe('SEP001122AABBCC.cnf.xml');
    expect(nameForLog('x'.repeat(60_000))).toBe(`${'x'.repeat(64)}… (60000 characters)`);
  });
});
