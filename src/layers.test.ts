import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { importGraph } from '../test/support/import-graph.js';

const SRC = dirname(fileURLToPath(import.meta.url));

/** The imports of files under `from/` that reach into one of `forbidden/`, as "file → target". */
function crossings(from: string, forbidden: string[]): string[] {
  const out: string[] = [];
  for (const [file, targets] of importGraph(SRC)) {
    if (!file.startsWith(join(SRC, from) + '/')) continue;
    for (const target of targets) {
      if (forbidden.some((f) => target.startsWith(join(SRC, f) + '/')))
        out.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
    }
  }
  return out;
}

// DESIGN.md: dependencies point one way, protocols and http → services → store, core.
it('services never import a protocol or the HTTP layer', () => {
  expect(crossings('services', ['protocols', 'http'])).toEqual([]);
});

it('core imports nothing of ours outside core', () => {
  expect(
    crossings('core', ['services', 'store', 'protocols', 'http', 'provisioning', 'media', 'sim']),
  ).toEqual([]);
});

it('the store never imports services, protocols or the HTTP layer', () => {
  expect(crossings('store', ['services', 'protocols', 'http'])).toEqual([]);
});

// HTTP talks to services; it may name the store's record types, never open the store itself.
it('the HTTP layer never reaches the Store or the database directly', () => {
  const direct = crossings('http', ['store']).filter((c) =>
    /→ store\/(store|database|postgres-pool|executor)\.ts$/.test(c),
  );
  expect(direct).toEqual([]);
});
