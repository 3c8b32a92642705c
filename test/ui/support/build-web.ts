import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Why the web UI could not be built (null when web/dist is up to date). */
    webBuildError: string | null;
  }
}

const WEB = fileURLToPath(new URL('../../../web/', import.meta.url));
const DIST_INDEX = path.join(WEB, 'dist', 'index.html');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when web/dist is missing or older than anything under web/src, web/public or the config. */
export function webBuildIsStale(): boolean {
  if (!fs.existsSync(DIST_INDEX)) return true;
  const built = fs.statSync(DIST_INDEX).mtimeMs;
  const sources = Math.max(
    newestSource(path.join(WEB, 'src')),
    newestSource(path.join(WEB, 'public')),
    ...['index.html', 'vite.config.ts', 'tsconfig.json'].map((f) => fs.statSync(path.join(WEB, f)).mtimeMs),
  );
  return sources > built;
}

/**
 * Vitest global setup: builds the admin UI with Vite when web/dist is missing or stale, so that
 * `npm test` on a fresh clone drives the real built UI. A failed build does not stop the other
 * tests; the UI tests report it.
 */
export default async function setup(project: TestProject): Promise<void> {
  let error: string | null = null;
  if (webBuildIsStale()) {
    try {
      const { build } = await import('vite');
      await build({ configFile: path.join(WEB, 'vite.config.ts'), logLevel: 'warn' });
    } catch (e) {
      error = `building the web UI failed: ${(e as Error).message}`;
    }
  }
  project.provide('webBuildError', error);
}
