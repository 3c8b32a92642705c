import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { importGraph } from '../test/support/import-graph.js';

const SRC = dirname(fileURLToPath(import.meta.url));

/** The first import circle found, as a list of files, or null. */
function findCircle(graph: Map<string, string[]>): string[] | null {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    const at = path.indexOf(file);
    if (at >= 0) return [...path.slice(at), file];
    if (done.has(file)) return null;
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle) return circle;
    }
    path.pop();
    done.add(file);
    return null;
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle) return circle;
  }
  return null;
}

// A circle makes module load order matter and says two files are one concept split wrongly.
it('src/ has no import circles, type-only imports included', () => {
  const circle = findCircle(importGraph(SRC));
  expect(circle?.map((f) => relative(SRC, f)) ?? null).toBeNull();
});
