import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { WorkerOptions } from 'node:worker_threads';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * Path of an entry point beside the calling module (`base` is its `import.meta.url`) and the
 * Node flags to run it in a child process: the compiled `.js`, or the `.ts` source through tsx
 * (resolved from here, whatever the working directory) when the caller itself runs from source
 * (tests, benches).
 */
export function entryScript(base: string, name: string): { path: string; execArgv: string[] } {
  const fromSource = base.endsWith('.ts');
  const path = fileURLToPath(new URL(`./${name}${fromSource ? '.ts' : '.js'}`, base));
  if (!fromSource) return { path, execArgv: [] };
  return { path, execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href] };
}

/**
 * Starts the entry point `name` beside the calling module in a worker thread. From source, the
 * thread registers tsx itself first: Node 20 does not apply `--import` hooks to worker threads.
 */
export function startThread(base: string, name: string, options: WorkerOptions): Worker {
  const { path, execArgv } = entryScript(base, name);
  if (execArgv.length === 0) return new Worker(path, options);
  const api = pathToFileURL(tsxEsmApi()).href;
  const bootstrap =
    `import(${JSON.stringify(api)})` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(pathToFileURL(path).href)}); })`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** tsx's ESM register API (its CommonJS build cannot be imported from a thread's bootstrap). */
function tsxEsmApi(): string {
  const manifest = require.resolve('tsx/package.json');
  const { exports } = require('tsx/package.json') as {
    exports: Record<string, { import: { default: string } }>;
  };
  return join(dirname(manifest), exports['./esm/api'].import.default);
}
