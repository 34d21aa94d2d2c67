/**
 * Parsed input must be plain data before anything walks it recursively (schema validation,
 * assertion checks, renderers): YAML aliases can make a value that contains itself, and both YAML
 * and JSON can nest deeper than a recursive walk has stack for. Checked here without recursion.
 */

export type PlainDataProblem = 'cycle' | 'too-deep' | 'too-large';

export interface PlainDataLimits {
  /** Nested mappings and lists allowed, the outermost counting as 1. */
  maxDepth: number;
  /** Mappings and lists allowed in all, counting each time a shared one is reached again. */
  maxContainers: number;
}

export function plainDataProblem(value: unknown, limits: PlainDataLimits): PlainDataProblem | undefined {
  const onPath = new Set<object>();
  const stack: Array<{ value: unknown; depth: number } | { leave: object }> = [{ value, depth: 1 }];
  let containers = 0;
  while (stack.length) {
    const top = stack.pop()!;
    if ('leave' in top) {
      onPath.delete(top.leave);
      continue;
    }
    const v = top.value;
    if (v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) continue;
    if (onPath.has(v)) return 'cycle';
    if (top.depth > limits.maxDepth) return 'too-deep';
    if (++containers > limits.maxContainers) return 'too-large';
    onPath.add(v);
    stack.push({ leave: v });
    for (const child of Object.values(v)) stack.push({ value: child, depth: top.depth + 1 });
  }
  return undefined;
}
