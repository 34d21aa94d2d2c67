/**
 * repo.dependency-updates — is a dependency update tool configured in the repository? Dependabot
 * version updates (.github/dependabot.yml, parsed: version 2 and at least one usable `updates`
 * entry) or Renovate (any of its repository config files, or a `renovate` key in package.json).
 * Dependabot *security* updates are a repository setting, not a file, and are read by the github.*
 * collectors; a Renovate config kept only in a central repository cannot be seen from here.
 */
import { parseDocument, isMap, isSeq, LineCounter, type Node } from 'yaml';
import { z } from 'zod';
import type { ApiCall, CollectContext, Collector, Evidence, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import JSON5 from 'json5';
import { dirGaps, findFirst, loadRepo, readRepoText, repoFacts } from './files.js';
import { keyLine } from './json-locate.js';

export const DEPENDABOT_LOCATIONS = ['.github/dependabot.yml', '.github/dependabot.yaml'] as const;
/** Renovate's own search order for a repository config file (its lib/config/app-strings.ts); package.json comes last. */
export const RENOVATE_LOCATIONS = [
  'renovate.json',
  'renovate.jsonc',
  'renovate.json5',
  '.github/renovate.json',
  '.github/renovate.jsonc',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.jsonc',
  '.gitlab/renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.jsonc',
  '.renovaterc.json5',
] as const;

const params = z.strictObject({});

const problem = z.object({
  summary: z.string().describe('where and what'),
  file: z.string().describe('file'),
  line: z.number().nullable().describe('line number'),
  message: z.string().describe('problem'),
});

const resource = z.object({
  dependencyUpdateToolConfigured: z.boolean().describe('dependency update tool configured'),
  tools: z.array(z.enum(['dependabot', 'renovate'])).describe('dependency update tools configured'),
  dependabotConfigPath: z.string().nullable().describe('Dependabot configuration file'),
  dependabotEcosystems: z.array(z.string()).describe('package ecosystems Dependabot updates'),
  dependabotUpdateCount: z.number().describe('usable Dependabot update entries'),
  renovateConfigPath: z.string().nullable().describe('Renovate configuration file'),
  problems: z.array(problem).describe('problems in the dependency update configuration'),
});

export type DependencyUpdatesParams = z.infer<typeof params>;
export type DependencyUpdatesResource = z.infer<typeof resource>;
type Problem = z.infer<typeof problem>;

function problemOf(file: string, line: number | null, message: string): Problem {
  return { summary: `${file}${line === null ? '' : `:${line}`}: ${message}`, file, line, message };
}

function lineOfNode(node: Node | null | undefined, lc: LineCounter): number | null {
  return node?.range ? lc.linePos(node.range[0]).line : null;
}

/** Dependabot's schema, the parts that decide whether it will run at all. */
export function inspectDependabot(file: string, text: string): { ecosystems: string[]; updates: number; problems: Problem[] } {
  const problems: Problem[] = [];
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const first = e?.message.split('\n')[0] ?? 'invalid YAML';
    return { ecosystems: [], updates: 0, problems: [problemOf(file, e?.linePos?.[0].line ?? null, `does not parse as YAML: ${first}`)] };
  }
  const root = doc.contents;
  if (!isMap(root)) return { ecosystems: [], updates: 0, problems: [problemOf(file, 1, 'is not a YAML mapping')] };
  const version: unknown = root.get('version');
  if (version !== 2) {
    problems.push(problemOf(file, lineOfNode(root.get('version', true) as Node | undefined, lc) ?? 1, `version must be 2 (found ${version === undefined ? 'none' : JSON.stringify(version)})`));
  }
  const updates = root.get('updates', true) as Node | undefined;
  if (!isSeq(updates) || updates.items.length === 0) {
    problems.push(problemOf(file, lineOfNode(updates, lc) ?? 1, 'has no `updates` entries'));
    return { ecosystems: [], updates: 0, problems };
  }
  const ecosystems = new Set<string>();
  let usable = 0;
  updates.items.forEach((item, i) => {
    const line = lineOfNode(item as Node, lc);
    if (!isMap(item)) {
      problems.push(problemOf(file, line, `updates[${i}] is not a mapping`));
      return;
    }
    const eco: unknown = item.get('package-ecosystem');
    const missing: string[] = [];
    if (typeof eco !== 'string' || eco === '') missing.push('package-ecosystem');
    if (!item.has('directory') && !item.has('directories')) missing.push('directory');
    const schedule = item.get('schedule');
    if (!isMap(schedule) || !schedule.has('interval')) missing.push('schedule.interval');
    if (missing.length > 0) {
      problems.push(problemOf(file, line, `updates[${i}] lacks ${missing.join(', ')}, so Dependabot rejects it`));
      return;
    }
    usable++;
    ecosystems.add(eco as string);
  });
  // Dependabot validates the file as a whole: one bad entry stops every update in it.
  if (problems.length > 0) return { ecosystems: [], updates: 0, problems };
  return { ecosystems: [...ecosystems].sort(), updates: usable, problems };
}

/**
 * Whether a Renovate config turns Renovate off, and any reason it cannot be used. Renovate reads
 * every config file as JSON5 when it is not plain JSON (a .json file with comments or trailing
 * commas still works, with a warning), so JSON5 is the grammar here too. Only the top-level
 * `enabled` switches Renovate off; `enabled: false` inside `packageRules` turns off one rule.
 */
export function inspectRenovate(file: string, text: string): Problem | undefined {
  let config: unknown;
  try {
    config = JSON5.parse(text);
  } catch (err) {
    // json5 says where: "JSON5: invalid character 'x' at 3:5".
    const message = err instanceof Error ? err.message : String(err);
    const at = /at (\d+):\d+/.exec(message);
    return problemOf(file, at ? Number(at[1]) : null, `does not parse as JSON5, so Renovate cannot read it: ${message.replace(/^JSON5: /, '')}`);
  }
  return renovateSwitch(file, text, config, []);
}

/** A problem when `config` (found at `path` in `text`) is not an object or turns Renovate off. */
function renovateSwitch(file: string, text: string, config: unknown, path: readonly string[]): Problem | undefined {
  const where = path.length ? `the "${path.join('.')}" key` : 'the file';
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    return problemOf(file, path.length ? keyLine(text, path) ?? null : 1, `${where} is not an object, so Renovate cannot read it`);
  }
  if ((config as Record<string, unknown>).enabled === false) {
    const line = keyLine(text, [...path, 'enabled']) ?? null;
    return problemOf(file, line, `${path.length ? `${where} sets` : 'sets'} "enabled": false at the top level, which turns Renovate off`);
  }
  return undefined;
}

export const collector: Collector<'repo', DependencyUpdatesParams, DependencyUpdatesResource> = {
  id: 'repo.dependency-updates',
  source: 'repo',
  description: 'Checks that Dependabot version updates (.github/dependabot.yml) or Renovate is configured in the repository, and lists the ecosystems Dependabot covers.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  // The first problem is the line that decides a failure; each problem carries its file and line.
  locate: {
    resource: (d) => {
      const first = d.problems[0];
      if (first) return { file: first.file, line: first.line ?? undefined };
      const file = d.dependabotConfigPath ?? d.renovateConfigPath?.replace(/#renovate$/, '');
      return file ? { file } : undefined;
    },
  },
  example: `collector: repo.dependency-updates
params: {}
assert:
  all:
    - { key: dependencyUpdateToolConfigured, op: eq, value: true, message: Dependabot or Renovate configured in the repository }
`,
  async collect(ctx): Promise<Evidence<DependencyUpdatesResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap, ['.', '.github', '.gitlab']);
    const data: DependencyUpdatesResource = {
      dependencyUpdateToolConfigured: false,
      tools: [],
      dependabotConfigPath: null,
      dependabotEcosystems: [],
      dependabotUpdateCount: 0,
      renovateConfigPath: null,
      problems: [],
    };

    const dependabot = findFirst(snap, DEPENDABOT_LOCATIONS);
    if (dependabot !== undefined) {
      data.dependabotConfigPath = dependabot;
      const text = await readRepoText(ctx, snap, dependabot, { calls, gaps });
      if (text !== undefined) {
        const result = inspectDependabot(dependabot, text);
        data.dependabotEcosystems = result.ecosystems;
        data.dependabotUpdateCount = result.updates;
        data.problems.push(...result.problems);
        if (result.updates > 0) data.tools.push('dependabot');
      }
    }

    const renovate = findFirst(snap, RENOVATE_LOCATIONS);
    if (renovate !== undefined) {
      data.renovateConfigPath = renovate;
      const text = await readRepoText(ctx, snap, renovate, { calls, gaps });
      if (text !== undefined) {
        const p = inspectRenovate(renovate, text);
        if (p) data.problems.push(p);
        else data.tools.push('renovate');
      }
    } else if (snap.files.includes('package.json')) {
      // Renovate still honours a "renovate" key in the root package.json (deprecated, but found).
      const text = await readRepoText(ctx, snap, 'package.json', { calls, gaps });
      let pkg: unknown;
      try {
        pkg = text === undefined ? undefined : JSON.parse(text);
      } catch {
        // A package.json that does not parse is the lockfile collector's to report.
      }
      const cfg = typeof pkg === 'object' && pkg !== null ? (pkg as Record<string, unknown>).renovate : undefined;
      if (cfg !== undefined && text !== undefined) {
        data.renovateConfigPath = 'package.json#renovate';
        const p = renovateSwitch('package.json', text, cfg, ['renovate']);
        if (p) data.problems.push(p);
        else data.tools.push('renovate');
      }
    }

    data.dependencyUpdateToolConfigured = data.tools.length > 0;
    return new EvidenceBuilder<typeof data>().addCalls(calls).addGaps(gaps).withFacts(repoFacts(snap)).add({ id: snap.name, data }).build();
  },
};
