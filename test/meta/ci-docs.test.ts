import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Command, Option } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import { packageRoot } from '../../src/paths.js';

/**
 * Flags the README's workflows and action.yml may pass before the feature behind them is built.
 * Empty: every flag they use is registered in src/cli/main.ts and checked like any other.
 */
const NOT_YET_BUILT: Record<string, readonly string[]> = {};

const SHA_PINNED = /^[^@\s]+@[0-9a-f]{40}$/;
/** How the README refers to this repository's action (its owner and commit are the reader's). */
const OUR_ACTION = /^YOUR-ORG\/soc2@/;

type Yaml = Record<string, unknown>;

function readmeYamlBlocks(): Yaml[] {
  const text = readFileSync(join(packageRoot, 'README.md'), 'utf8');
  return [...text.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => parse(m[1]!) as Yaml).filter((y) => y && typeof y === 'object');
}

const blocks = readmeYamlBlocks();
type Workflow = Yaml & { jobs: Record<string, { steps: Array<Record<string, unknown>>; needs?: unknown; strategy?: { matrix?: Yaml } }> };
const workflows = blocks.filter((b) => 'jobs' in b && 'on' in b) as Workflow[];
const workflow = workflows[0];
/** The workflow that runs `soc2 run --shard` in a matrix and joins the parts with `soc2 merge`. */
const sharded = workflows.find((w) => scriptsOfWorkflow(w).some((s) => /\bmerge\b/.test(s)));
const GITLAB_KEYWORDS = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script']);
const gitlab = blocks.find((b) => !('jobs' in b) && Object.entries(b).some(([k, v]) => !GITLAB_KEYWORDS.has(k) && v && typeof v === 'object' && 'script' in (v as object)));
const action = parse(readFileSync(join(packageRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: Array<{ uses?: string; run?: string; env?: Record<string, string>; with?: Record<string, string> }> };
};

/** Words of one shell command line: quotes removed, up to an operator or a comment. */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | null = null;
  let inWord = false;
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (/[;|&<>()]/.test(ch) || (ch === '#' && !inWord)) {
      if (inWord) words.push(word);
      if (ch === '#') return words;
      words.push(ch);
      word = '';
      inWord = false;
    } else {
      word += ch;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** Every soc2 invocation in a script: the words after `soc2` or `…/bin/soc2.js`, up to an operator. */
function soc2Invocations(script: string): string[][] {
  const found: string[][] = [];
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) {
    const words = shellWords(line);
    words.forEach((w, i) => {
      if (w !== 'soc2' && !/(^|\/)bin\/soc2\.js$/.test(w)) return;
      const rest = words.slice(i + 1);
      const end = rest.findIndex((x) => /^[;|&<>()]$/.test(x));
      found.push(end === -1 ? rest : rest.slice(0, end));
    });
  }
  return found;
}

function optionsOf(cmd: Command): readonly Option[] {
  const parent = cmd.parent;
  return [...cmd.options, ...(parent ? optionsOf(parent) : [])];
}

/** What is wrong with one invocation (`run --fail-on high …`), as sentences; empty when it is valid. */
function invocationProblems(args: readonly string[]): string[] {
  let cmd: Command = buildProgram();
  const path: string[] = [];
  let i = 0;
  while (i < args.length && cmd.commands.length) {
    const sub = cmd.commands.find((c) => c.name() === args[i]);
    if (!sub) break;
    cmd = sub;
    path.push(args[i]!);
    i++;
  }
  if (!path.length) return [`soc2 ${args.join(' ')}: "${args[0] ?? ''}" is not a soc2 command`];
  const name = path.join(' ');
  const problems: string[] = [];
  const positionals: string[] = [];
  for (; i < args.length; i++) {
    const word = args[i]!;
    if (!/^--?[a-zA-Z]/.test(word)) {
      positionals.push(word);
      continue;
    }
    const [flag, inline] = word.split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') continue;
    const option = optionsOf(cmd).find((o) => o.long === flag || o.short === flag);
    if (!option) {
      if (!NOT_YET_BUILT[name]?.includes(flag)) problems.push(`soc2 ${name}: no option ${flag}`);
      else if (inline === undefined) i++; // the allow-listed flags take a value
      continue;
    }
    if (!option.required && !option.optional) continue;
    const value = inline ?? args[++i];
    if (value === undefined) problems.push(`soc2 ${name}: ${flag} needs a value`);
    else if (option.argChoices && !value.includes('$') && !option.argChoices.includes(value)) problems.push(`soc2 ${name}: ${flag} ${value} is not one of ${option.argChoices.join(', ')}`);
  }
  const needed = cmd.registeredArguments.filter((a) => a.required).length;
  if (positionals.length < needed) problems.push(`soc2 ${name}: needs ${needed} argument(s), got ${positionals.length}`);
  return problems;
}

function scriptsOfWorkflow(w: Workflow): string[] {
  return Object.values(w.jobs).flatMap((job) => job.steps.map((s) => s.run).filter((r): r is string => typeof r === 'string'));
}

function scriptsOfGitLab(g: Yaml): string[] {
  return Object.values(g).flatMap((job) => {
    if (!job || typeof job !== 'object') return [];
    return ['before_script', 'script', 'after_script'].flatMap((k) => {
      const v = (job as Yaml)[k];
      return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
    });
  });
}

/** action.yml builds soc2's arguments in a bash array: `args=(run …)` and `args+=(…)`. */
function actionInvocation(): string[] {
  const script = action.runs.steps.map((s) => s.run ?? '').join('\n');
  return [...script.matchAll(/args\+?=\(([^)]*)\)/g)].flatMap((m) => shellWords(m[1]!));
}

describe('README CI workflows and action.yml', () => {
  it('finds the GitHub workflow and the GitLab job in the README', () => {
    expect(workflow).toBeDefined();
    expect(gitlab).toBeDefined();
  });

  it('the checker itself catches an unknown command, an unknown flag, a bad choice and a missing argument', () => {
    expect(invocationProblems(['runn'])).toEqual(['soc2 runn: "runn" is not a soc2 command']);
    expect(invocationProblems(['run', '--fial-on', 'high'])).toEqual(['soc2 run: no option --fial-on']);
    expect(invocationProblems(['run', '--fail-on', 'severe'])).toEqual(['soc2 run: --fail-on severe is not one of critical, high, medium, low']);
    expect(invocationProblems(['diff', 'old'])).toEqual(['soc2 diff: needs 2 argument(s), got 1']);
    expect(invocationProblems(['run', '--baseline', 'b.json', '--fail-on=high', '--json'])).toEqual([]);
    expect(soc2Invocations('x && node "/opt/soc2/bin/soc2.js" run --quiet | tee log # soc2 nope')).toEqual([['run', '--quiet']]);
  });

  it('uses only soc2 commands and flags that exist, in the workflow, the GitLab job and action.yml', () => {
    const invocations = [...scriptsOfWorkflow(workflow!), ...scriptsOfGitLab(gitlab!)].flatMap(soc2Invocations);
    expect(invocations.length).toBeGreaterThanOrEqual(3);
    expect(invocations.some((a) => a.includes('--baseline'))).toBe(true);
    expect(invocations.some((a) => a[0] === 'diff')).toBe(true);
    expect(invocations.flatMap(invocationProblems)).toEqual([]);
    const fromAction = actionInvocation();
    expect(fromAction[0]).toBe('run');
    expect(fromAction).toEqual(expect.arrayContaining(['--fail-on', '--out', '--config', '--baseline', '--history', '--sign']));
    expect(invocationProblems(fromAction)).toEqual([]);
    expect(action.runs.steps.some((s) => /node "\$GITHUB_ACTION_PATH\/bin\/soc2\.js" "\$\{args\[@\]\}"/.test(s.run ?? ''))).toBe(true);
  });

  it('passes the action only inputs it declares, and declares the inputs the issue asks for', () => {
    const inputs = Object.keys(action.inputs);
    expect(inputs).toEqual(expect.arrayContaining(['config', 'fail-on', 'out', 'history', 'sign-key', 'baseline']));
    const uses = Object.values(workflow!.jobs).flatMap((j) => j.steps).filter((s) => typeof s.uses === 'string' && OUR_ACTION.test(s.uses));
    expect(uses.length).toBe(2);
    for (const step of uses) expect(Object.keys((step.with ?? {}) as object).filter((k) => !inputs.includes(k))).toEqual([]);
    const given = new Set(uses.flatMap((s) => Object.keys((s.with ?? {}) as object)));
    expect([...given]).toEqual(expect.arrayContaining(['baseline', 'history', 'sign-key', 'fail-on']));
  });

  it('action.yml references only declared inputs, uses each, and never expands an expression inside a script', () => {
    const text = readFileSync(join(packageRoot, 'action.yml'), 'utf8');
    const referenced = new Set([...text.matchAll(/\$\{\{\s*inputs\.([a-zA-Z0-9_-]+)/g)].map((m) => m[1]!));
    expect([...referenced].filter((i) => !(i in action.inputs))).toEqual([]);
    expect(Object.keys(action.inputs).filter((i) => !referenced.has(i))).toEqual([]);
    expect(action.runs.using).toBe('composite');
    // An input interpolated into a script would be shell code; they arrive as environment variables.
    for (const step of action.runs.steps) expect(step.run ?? '').not.toContain('${{');
    const env = action.runs.steps.flatMap((s) => Object.keys(s.env ?? {}));
    const scripts = action.runs.steps.map((s) => s.run ?? '').join('\n');
    expect(env.filter((name) => !scripts.includes(`$${name}`))).toEqual([]);
    const failOn = buildProgram().commands.find((c) => c.name() === 'run')!.options.find((o) => o.long === '--fail-on')!;
    expect(failOn.argChoices).toContain(action.inputs['fail-on']!.default);
    for (const output of Object.values(action.outputs)) expect(output.value).toMatch(/^\$\{\{ steps\.run\.outputs\.[a-z-]+ \}\}$/);
  });

  it('pins every third-party action to a full commit SHA, as REPO-004 asks', () => {
    const actionUses = action.runs.steps.map((s) => s.uses).filter((u): u is string => !!u);
    const workflowUses = Object.values(workflow!.jobs).flatMap((j) => j.steps.map((s) => s.uses)).filter((u): u is string => typeof u === 'string' && !OUR_ACTION.test(u));
    expect(actionUses.length + workflowUses.length).toBeGreaterThan(3);
    expect([...actionUses, ...workflowUses].filter((u) => !SHA_PINNED.test(u))).toEqual([]);
  });

  it('shows a sharded run: a matrix of soc2 run --shard jobs uploading their parts, and a merge job joining all of them', () => {
    expect(sharded).toBeDefined();
    const w = sharded!;
    const invocations = scriptsOfWorkflow(w).flatMap(soc2Invocations);
    expect(invocations.flatMap(invocationProblems)).toEqual([]);
    const matrixJob = Object.entries(w.jobs).find(([, j]) => Array.isArray(j.strategy?.matrix?.shard));
    expect(matrixJob).toBeDefined();
    const shards = matrixJob![1].strategy!.matrix!.shard as number[];
    const runs = invocations.filter((a) => a[0] === 'run' && a.includes('--shard'));
    expect(runs).toHaveLength(1);
    expect(runs[0]![runs[0]!.indexOf('--shard') + 1]).toBe(`$SHARD/${shards.length}`);
    expect(matrixJob![1].steps.some((s) => String(s.uses).startsWith('actions/upload-artifact@'))).toBe(true);
    const [mergeName, mergeJob] = Object.entries(w.jobs).find(([, j]) => scriptsOfWorkflow({ jobs: { j } } as Workflow).some((s) => /\bmerge\b/.test(s)))!;
    expect(mergeName).not.toBe(matrixJob![0]);
    expect(mergeJob.needs).toBe(matrixJob![0]);
    const merge = invocations.find((a) => a[0] === 'merge')!;
    // Every shard's part, once each.
    expect(merge.filter((a) => /^parts\/soc2-part-\d+$/.test(a)).sort()).toEqual(shards.map((i) => `parts/soc2-part-${i}`).sort());
    const uses = Object.values(w.jobs).flatMap((j) => j.steps.map((s) => s.uses)).filter((u): u is string => typeof u === 'string');
    expect(uses.filter((u) => !SHA_PINNED.test(u))).toEqual([]);
  });

  it('runs the workflow nightly and on pull requests, and the GitLab jobs on schedules and merge requests', () => {
    const on = workflow!.on as Yaml;
    expect(Object.keys(on)).toEqual(expect.arrayContaining(['schedule', 'pull_request']));
    const rules = JSON.stringify(Object.values(gitlab!).map((j) => (j as Yaml)?.rules));
    expect(rules).toContain('schedule');
    expect(rules).toContain('merge_request_event');
  });
});
