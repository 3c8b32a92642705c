import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Path of the worker entry point and the Node flags to run it: the compiled `.js` beside this
 * file, or the `.ts` source through tsx (resolved from here, whatever the working directory)
 * when the node itself runs from source (tests, benches).
 */
export function workerScript(): { exec: string; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  const exec = fileURLToPath(new URL(fromSource ? './worker-main.ts' : './worker-main.js', import.meta.url));
  if (!fromSource) return { exec, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { exec, execArgv: ['--import', tsx] };
}
