import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { collectors, loadCollector, type CollectorId } from '../../src/collectors/index.js';
import { validateAssertion } from '../../src/controls/validate-assertion.js';
import { packageRoot } from '../../src/paths.js';

const SOURCES = ['aws', 'github', 'repo'] as const;
const ID = /^(aws|github|repo)\.[a-z0-9]+(-[a-z0-9]+)*$/;

describe('collectors/index (registry)', () => {
  it('keeps its keys sorted within each source', () => {
    for (const source of SOURCES) {
      const keys = Object.keys(collectors).filter((k) => k.startsWith(`${source}.`));
      expect(keys).toEqual([...keys].sort());
    }
  });

  it('registers exactly the modules that export a collector, under <source>.<file-stem>', async () => {
    const exported: string[] = [];
    for (const source of SOURCES) {
      const dir = join(packageRoot, 'src', 'collectors', source);
      for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
        const mod = (await import(join(dir, f))) as { collector?: { id: string } };
        if (mod.collector) {
          expect(mod.collector.id).toBe(`${source}.${f.replace(/\.ts$/, '')}`);
          exported.push(mod.collector.id);
        }
      }
    }
    expect(Object.keys(collectors).sort()).toEqual(exported.sort());
  });

  it.each(Object.keys(collectors))('%s declares its contract: id, permissions, a valid example', async (id) => {
    expect(id).toMatch(ID);
    const c = await loadCollector(id as CollectorId);
    expect(c.id).toBe(id);
    expect(c.source).toBe(id.split('.')[0]);
    expect(c.description.length).toBeGreaterThan(10);
    expect(c.permissions.length).toBeGreaterThan(0);
    const example = parse(c.example) as { collector: string; params?: unknown; assert: unknown };
    expect(example.collector).toBe(id);
    expect(c.params.safeParse(example.params ?? {}).success).toBe(true);
    expect(validateAssertion(example.assert, c.resource)).toEqual([]);
  });

  it('has a test file for every collector', () => {
    for (const id of Object.keys(collectors)) {
      const [source, stem] = id.split('.') as [string, string];
      const dir = join(packageRoot, 'test', 'unit', 'collectors', source);
      const files = readdirSync(dir);
      expect(files.some((f) => f.startsWith(stem) && f.endsWith('.test.ts')), `test/unit/collectors/${source}/${stem}*.test.ts`).toBe(true);
    }
  });
});
