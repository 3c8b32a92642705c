import { fileURLToPath } from 'node:url';

/**
 * Path of the worker entry point and the Node flags to run it: the compiled `.js` beside this
 * file, or the `.ts` source through tsx when the node itself runs from source (tests, benches).
 */
export function workerScript(): { exec: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const exec = fileURLToPath(new URL(fromSource ? './worker-main.ts' : './worker-main.js', import.meta.url));
  return { exec, execArgv: fromSource ? ['--import', 'tsx'] : [] };
}
