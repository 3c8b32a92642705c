import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { buildOpenucm } from '../../bench/sip/build.js';

let root: string;

/** A project laid out as openucm is (tsconfig.build.json, src/main.ts, package.json). */
function project(main: string): string {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'openucm-bench-build-'));
  fs.mkdirSync(path.join(root, 'src'));
  fs.writeFileSync(path.join(root, 'src', 'main.ts'), main);
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"fixture","version":"0.0.0"}\n');
  fs.writeFileSync(
    path.join(root, 'tsconfig.build.json'),
    JSON.stringify({
      compilerOptions: { strict: true, target: 'ES2022', module: 'NodeNext', rootDir: 'src', types: [] },
      include: ['src'],
    }),
  );
  return root;
}

afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

it('stops the bench when tsc reports errors, with the diagnostics, even though tsc emitted main.js', () => {
  const outDir = path.join(project("export const port: number = 'five';\n"), 'out');
  expect(() => buildOpenucm({ root, outDir })).toThrow(/the build of openucm failed[\s\S]*TS2322/);
  // tsc emits despite type errors: that output is what the bench used to measure.
  expect(fs.existsSync(path.join(outDir, 'dist', 'main.js'))).toBe(true);
});

it('builds a project that compiles', () => {
  const outDir = path.join(project('export const port: number = 5;\n'), 'out');
  buildOpenucm({ root, outDir });
  expect(fs.existsSync(path.join(outDir, 'dist', 'main.js'))).toBe(true);
  expect(fs.existsSync(path.join(outDir, 'package.json'))).toBe(true);
});
