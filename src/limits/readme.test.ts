import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagOf, LIMITS } from './index.js';

const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## Security and limits'), readme.indexOf('## Layout'));

describe("README's Security and limits", () => {
  it.each(Object.entries(LIMITS))('names %s with its flag and default', (name, spec) => {
    const row = section.split('\n').find((line) => line.startsWith(`| \`${flagOf(name)}\``));
    expect(row, `README has no row for ${flagOf(name)}`).toBeDefined();
    expect(row?.split('|')[2].trim()).toBe(String(spec.default));
  });
});
