/**
 * Evidence sources are plugins: each lives in its own folder and is known to the rest of soc2 only
 * through the registry (src/collectors/sources.ts). These tests keep it that way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors, loadCollector, type CollectorId } from '../../src/collectors/index.js';
import { loadSource, sourceAbout, sourceIds } from '../../src/collectors/sources.js';
import { packageRoot } from '../../src/paths.js';
import { cycleThrough, importGraph } from '../helpers/import-graph.js';
import { namings } from '../helpers/source-names.js';

const CONTRACT = 'src/collectors/types.ts';

/**
 * Files outside a source's folder that may still name a source, each for a reason. Keep it short:
 * anything else goes through the registry.
 */
const MAY_NAME_SOURCES: Record<string, string> = {
  'src/collectors/sources.ts': 'the registry: one line per source',
  'src/collectors/index.ts': 'the collector registry: a collector id starts with its source',
  'src/config/schema.ts': 'the zod schema of soc2.config.yaml keeps each source\'s section (the source says which key it reads)',
  'src/config/init-template.ts': 'the commented soc2.config.yaml that `soc2 init` writes',
  'src/results.ts': 'the results.json contract: the shape of each source\'s scope and provenance entry (schemas/ is generated from it)',
  'src/cli/commands/demo.ts': 'the configuration of the bundled sample estate (src/sandbox/)',
  'src/cli/request-meter.ts': 'the progress line shows GitHub\'s rate-limit budgets from its response headers',
  'src/cli/terminal.ts': 'the progress line shows GitHub\'s rate-limit budgets from its response headers',
  'src/reports/sarif.ts': 'SARIF locations are files of the checkout, relative to run.scope.repo.path',
};

describe('collectors/sources', () => {
  it('lists each source with its folder, whose source.ts and about.ts carry the same id', async () => {
    expect(sourceIds()).toEqual(['aws', 'github', 'repo']);
    for (const id of sourceIds()) {
      for (const file of ['source.ts', 'about.ts']) expect(existsSync(join(packageRoot, 'src', 'collectors', id, file)), `src/collectors/${id}/${file}`).toBe(true);
      expect((await loadSource(id)).id).toBe(id);
      expect(sourceAbout(id)?.id).toBe(id);
    }
  });

  it('knows the source of every collector, and of every source a collector consults', async () => {
    for (const id of Object.keys(collectors) as CollectorId[]) {
      const collector = await loadCollector(id);
      expect(collector.source, id).toBe(id.split('.')[0]);
      expect(sourceIds(), id).toContain(collector.source);
      for (const s of collector.consults ?? []) expect(sourceIds(), `${id} consults ${s}`).toContain(s);
    }
  });

  it('has no import cycle through the collector contract, which imports nothing from a source folder', () => {
    const graph = importGraph(packageRoot);
    expect(graph.get(CONTRACT)?.length, 'types.ts should exist and be scanned').toBeDefined();
    expect(cycleThrough(graph, CONTRACT)).toBeUndefined();
    for (const id of sourceIds()) expect(graph.get(CONTRACT)!.filter((f) => f.startsWith(`src/collectors/${id}/`))).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([['a.ts', ['b.ts']], ['b.ts', ['c.ts']], ['c.ts', ['a.ts']], ['d.ts', ['a.ts']]]);
    expect(cycleThrough(graph, 'a.ts')).toEqual(['a.ts', 'b.ts', 'c.ts', 'a.ts']);
    expect(cycleThrough(graph, 'd.ts')).toBeUndefined();
  });

  it('is named by no file outside a source\'s folder and the sandbox, but for the listed exceptions', () => {
    const offenders: string[] = [];
    const owned = ['src/sandbox/', ...sourceIds().map((id) => `src/collectors/${id}/`)];
    for (const file of importGraph(packageRoot).keys()) {
      if (owned.some((dir) => file.startsWith(dir)) || file in MAY_NAME_SOURCES) continue;
      const text = readFileSync(join(packageRoot, file), 'utf8');
      for (const id of sourceIds()) for (const hit of namings(text, id)) offenders.push(`${file}: ${hit}`);
    }
    expect(offenders).toEqual([]);
  });

  it('recognises every way of naming a source that it forbids, and not prose or lookalikes', () => {
    expect(namings(`if (collector.source === 'github') {}`, 'github')).toEqual([`'github'`]);
    expect(namings('const r = config.aws?.regions; x = scope?.aws;', 'aws')).toEqual(['.aws', '.aws']);
    expect(namings('return { aws: ctx };', 'aws')).toEqual(['aws:']);
    expect(namings(`const m = await import('../collectors/github/client.js');`, 'github')).toHaveLength(1);
    expect(namings(`// config.github is read here\nconst p = '.github/workflows'; const s = 'github-rest'; const q = { 'github:metadata:read': 1 };`, 'github')).toEqual([]);
  });

  it('keeps the exception list to files that exist and still name a source', () => {
    for (const file of Object.keys(MAY_NAME_SOURCES)) {
      const text = readFileSync(join(packageRoot, file), 'utf8');
      expect(sourceIds().some((id) => namings(text, id).length > 0), `${file} no longer names a source: drop it from the list`).toBe(true);
    }
  });
});
