import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The domain folders of server/src (templates, customers, setup, users, outbox, assist, webex,
 * partners, auth, audit, catalog, rules ...) are the modules of the domain. A circle between two of
 * them (a imports b, b imports a, directly or round a longer loop) means neither can be read, tested
 * or changed alone, so none may exist. Value imports, `import type` and re-exports all count: a
 * type-only import still couples the two folders' vocabularies.
 *
 * The infrastructure folders below are left out of the graph: they are where the domain folders are
 * composed, so by design they know all of them (db/entities.ts lists every entity, graphql/services.ts
 * and graphql/loaders.ts build every service and loader, http/ and the files at the root start the
 * server), while every domain folder uses their plumbing. A new folder is a domain folder unless it
 * is added here.
 */
const SRC = resolve(__dirname, '../server/src');
const INFRASTRUCTURE = ['cli', 'db', 'errors', 'graphql', 'http', 'metrics', 'mutations', 'scripts'];

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The domain folder of server/src a file belongs to, or null (infrastructure, or a file at the root: app.ts, schema.ts ...). */
function moduleOf(file: string): string | null {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 && !INFRASTRUCTURE.includes(parts[0]) ? parts[0] : null;
}

// Static imports, `import type`, `export ... from`, and dynamic `import('...')` / `require('...')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

export function moduleGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>(); // module → (imported module → one example "file → specifier")
  for (const file of tsFiles(SRC)) {
    const from = moduleOf(file);
    if (from === null) continue;
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), match[1]);
      if (!target.startsWith(SRC + sep)) continue; // outside server/src: not a module of this graph
      const to = moduleOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (to === null || to === from) continue;
      const edges = graph.get(from) ?? new Map<string, string>();
      if (!edges.has(to)) edges.set(to, `${relative(SRC, file)} → ${match[1]}`);
      graph.set(from, edges);
    }
  }
  return graph;
}

/** Strongly connected components with more than one module (Tarjan): each one is a circle. */
export function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

/** One shortest loop through `start` inside a component, with the import that makes each step. */
function describeCycle(graph: Map<string, Map<string, string>>, component: string[]): string {
  const inside = new Set(component);
  const start = component[0];
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of graph.get(v)?.keys() ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0])!);
        path.push(start);
        const steps = path.slice(0, -1).map((m, i) => `  ${m} → ${path[i + 1]}  (${graph.get(m)!.get(path[i + 1])})`);
        return `circle among [${component.join(', ')}]:\n${steps.join('\n')}`;
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return `circle among [${component.join(', ')}]`;
}

describe('architecture of server/src', () => {
  it('finds the circle in a graph that has one, and none in one that has not', () => {
    const graph = (edges: [string, string][]) => {
      const g = new Map<string, Map<string, string>>();
      for (const [a, b] of edges) g.set(a, (g.get(a) ?? new Map()).set(b, `${a}/x.ts → ../${b}/y`));
      return g;
    };
    expect(cycles(graph([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']]))).toEqual([['a', 'b', 'c']]);
    expect(cycles(graph([['a', 'b'], ['b', 'c'], ['a', 'c']]))).toEqual([]);
  });

  it('has no import circle between its domain folders (value and type imports both count)', () => {
    const graph = moduleGraph();
    expect(graph.size).toBeGreaterThanOrEqual(8); // the scan found the folders and their imports at all
    for (const folder of INFRASTRUCTURE) expect(statSync(join(SRC, folder)).isDirectory(), folder).toBe(true);
    const report = cycles(graph).map((component) => describeCycle(graph, component));
    expect(report, report.join('\n\n')).toEqual([]);
  });
});
