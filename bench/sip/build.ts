import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Builds openucm as `npm run build` does (tsc -p tsconfig.build.json) into `outDir`/dist, so the
 * bench measures the node as shipped. A failed build is an error that carries tsc's diagnostics:
 * JavaScript that tsc emitted despite type errors is not what would ship, so it is not measured.
 */
export function buildOpenucm(options: { root: string; outDir: string }): void {
  const { root, outDir } = options;
  fs.rmSync(outDir, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [
      require.resolve('typescript/bin/tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      path.join(outDir, 'dist'),
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (tsc.error) throw new Error(`could not run tsc to build openucm: ${tsc.error.message}`);
  if (tsc.status !== 0) {
    const diagnostics = `${tsc.stdout}${tsc.stderr}`.trim();
    throw new Error(
      `the build of openucm failed (tsc exited with ${tsc.status ?? tsc.signal}); fix it before benchmarking:\n${diagnostics}`,
    );
  }
  if (!fs.existsSync(path.join(outDir, 'dist', 'main.js')))
    throw new Error(`the build of openucm produced no ${path.join(outDir, 'dist', 'main.js')}`);
  // src/version.ts reads ../package.json from dist/.
  fs.copyFileSync(path.join(root, 'package.json'), path.join(outDir, 'package.json'));
}
