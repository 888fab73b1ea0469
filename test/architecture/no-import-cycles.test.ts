import { existsSync } from "node:fs";
import { join } from "node:path";
import { importsOf, rel, root, sourceFiles } from "./source-files";

/**
 * core/ has no import cycles: each module can be read, tested and loaded on its own, and a
 * cycle (which CommonJS bundles turn into `undefined` at load time) cannot creep in. `importsOf`
 * does not tell `import type` from value imports, so type-only imports count as edges too:
 * the stricter rule, and it holds.
 */

/** A directed graph: module -> modules it imports. */
type Graph = Map<string, string[]>;

/** Strongly connected components with more than one node, or a node importing itself (Tarjan). */
function findCycles(graph: Graph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The file a relative import resolves to (`x.ts`, `x/index.ts`), repository-relative. */
function resolveTarget(target: string): string | undefined {
  for (const candidate of [`${target}.ts`, join(target, "index.ts"), target]) {
    if (/\.(ts|js|cjs|mjs)$/.test(candidate) && existsSync(join(root, candidate))) return candidate;
  }
  return undefined;
}

/** Relative imports between core/ source files (tests left out: nothing imports them). */
function coreGraph(): { graph: Graph; unresolved: string[] } {
  const graph: Graph = new Map();
  const unresolved: string[] = [];
  for (const file of sourceFiles("core").filter((f) => !f.endsWith(".test.ts"))) {
    const from = rel(file);
    const edges: string[] = [];
    for (const ref of importsOf(file)) {
      if (ref.target === undefined) continue;
      const to = resolveTarget(ref.target);
      if (to === undefined) unresolved.push(`${from} -> ${ref.specifier}`);
      else if (to.startsWith("core/")) edges.push(to);
    }
    graph.set(from, [...new Set(edges)]);
  }
  return { graph, unresolved };
}

describe("import cycles", () => {
  it("the detector finds cycles in a small graph, and only those", () => {
    const graph: Graph = new Map([
      ["a", ["b"]],
      ["b", ["c"]],
      ["c", ["a", "d"]],
      ["d", ["e"]],
      ["e", []],
      ["self", ["self"]],
      ["x", ["y"]],
      ["y", ["x"]],
      ["tree", ["a", "e"]],
    ]);
    expect(findCycles(graph).sort()).toEqual([["a", "b", "c"], ["self"], ["x", "y"]]);
    expect(findCycles(new Map([["a", ["b"]], ["b", ["c"]], ["c", []]]))).toEqual([]);
  });

  it("the core graph is read: every relative import resolves, and the barrel is in it", () => {
    const { graph, unresolved } = coreGraph();
    expect(unresolved).toEqual([]);
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("core/index.ts")?.length).toBeGreaterThan(5);
    expect(graph.get("core/engine/handle-job.ts")).toContain("core/engine/execute-call.ts");
  });

  it("core/ has no import cycles (type-only imports included)", () => {
    expect(findCycles(coreGraph().graph)).toEqual([]);
  });
});
