/**
 * The import graph of src/: every relative import, type-only or not, static or `import('…')`
 * (a lazy import still makes the importer depend on the module's types), by file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|declare\s+module\s+)(['"])(\.{1,2}\/[^'"]+)\1/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** file (relative to `root`, '/'-separated) → the files it imports. `declare module` counts as an edge too. */
export function importGraph(root: string, dir = 'src'): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of filesUnder(join(root, dir))) {
    const text = readFileSync(file, 'utf8');
    const edges = new Set<string>();
    for (const m of text.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), m[2]!.replace(/\.js$/, '.ts'));
      edges.add(relative(root, target).split('\\').join('/'));
    }
    graph.set(relative(root, file).split('\\').join('/'), [...edges].sort());
  }
  return graph;
}

/** A shortest cycle through `start`, as a path start → … → start, or undefined. */
export function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, start: string): string[] | undefined {
  const previous = new Map<string, string>();
  const queue = [...(graph.get(start) ?? [])];
  for (const n of queue) previous.set(n, start);
  while (queue.length) {
    const node = queue.shift()!;
    if (node === start) {
      const path = [start];
      for (let at = previous.get(start)!; at !== start; at = previous.get(at)!) path.unshift(at);
      return [start, ...path];
    }
    for (const next of graph.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  return undefined;
}
