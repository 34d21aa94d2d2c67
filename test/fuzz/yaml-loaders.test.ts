/**
 * Fuzzing the YAML loaders a pull request can reach: the configuration, one control file, a
 * directory of control files and the exceptions file. Each case starts from a real file (the
 * shipped controls, a complete configuration, a real exceptions file) and applies structural
 * mutations (keys deleted, duplicated or renamed, values of another type, anchors and aliases,
 * tags such as !!binary and !!js/function, deep nesting near the limit, hostile text) and byte-level
 * ones (truncation, flipped bits, invalid UTF-8, BOMs, CRLF, NUL). Every case must load, or be
 * exit 2 naming the file with line and column — never exit 4, a stack trace or a hang.
 */
import { describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { loadConfiguredControls, loadControls } from '../../src/controls/load.js';
import { loadConfiguredExceptions, loadExceptions } from '../../src/engine/exceptions.js';
import { ConfigError, ControlDefinitionError, type SourceIssue } from '../../src/errors.js';
import { InputFileError } from '../../src/input-file.js';
import { builtinControlsDir } from '../../src/paths.js';
import { tempDir } from '../helpers/tmp.js';
import { runCli } from '../helpers/cli.js';
import { contractProblem, fuzzParams, fuzzTimeout, generatedYaml, hasLineCol, inProcess, mutateYaml, yamlMutations, type Outcome } from './support.js';
import { STARTER_CONFIG } from '../../src/config/init-template.js';

const TODAY = new Date('2026-05-08T12:00:00Z');

/** A configuration that uses every section, as a real one would. */
const REAL_CONFIG = `# soc2.config.yaml
period: { start: 2026-01-01, end: 2026-03-31 }
aws:
  regions: [us-east-1, eu-west-1]
  aggregator: org-aggregator
  profile: audit
  maxEvaluationAgeHours: 48
  maxAttempts: 8
github:
  org: acme
  repos: { include: ["*"], exclude: ["sandbox-*"] }
  includeForks: false
  tokenEnv: SOC2_GITHUB_TOKEN
  cacheDir: .soc2-cache/github
  cacheMaxMegabytes: 100
repo:
  path: .
controls:
  paths: [builtin]
  exclude: [GH-030]
exceptions: soc2-exceptions.yaml
concurrency: 8
timeoutSeconds: 300
`;

const REAL_EXCEPTIONS = `# Approved exceptions
exceptions:
  - control: REPO-001
    resources: [northwind-analytics/legacy]
    justification: Legacy service, frozen until the Q3 migration.
    approvedBy: cto@northwind.example
    expires: 2026-12-31
  - control: GH-002
    justification: >
      The sandbox repositories hold no production code; protection is added when they graduate.
    approvedBy: ciso@northwind.example
    expires: 2026-09-30
`;

const CONTROL_FILES = readdirSync(builtinControlsDir).filter((f) => f.endsWith('.yaml')).sort();
const controlText = (name: string) => readFileSync(join(builtinControlsDir, name), 'utf8');

/** Mostly real files mutated; sometimes YAML generated from scratch with the file's own keys. */
const configInput = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.constantFrom(REAL_CONFIG, STARTER_CONFIG), yamlMutations).map(([seed, ms]) => mutateYaml(seed, ms)) },
  { weight: 1, arbitrary: generatedYaml(['period', 'start', 'end', 'aws', 'regions', 'aggregator', 'github', 'org', 'repos', 'include', 'exclude', 'repo', 'path', 'controls', 'paths', 'exceptions', 'concurrency', 'timeoutSeconds']) },
);
const controlInput = fc.oneof(
  { weight: 4, arbitrary: yamlMutations.map((mutations) => ({ mutations, generated: undefined })) },
  { weight: 1, arbitrary: generatedYaml(['id', 'title', 'criteria', 'severity', 'type', 'description', 'rationale', 'collector', 'params', 'assert', 'all', 'any', 'not', 'key', 'op', 'value', 'message', 'whenEmpty', 'remediation', 'references', 'evidenceRequired', 'frequency']).map((generated) => ({ mutations: [], generated })) },
);
const exceptionsInput = fc.oneof(
  { weight: 4, arbitrary: yamlMutations.map((ms) => mutateYaml(REAL_EXCEPTIONS, ms)) },
  { weight: 1, arbitrary: generatedYaml(['exceptions', 'control', 'resources', 'justification', 'approvedBy', 'expires']) },
);

/** Problems an issue of a located error may have: whole-file ones have no line, everything else must. */
const WHOLE_FILE = /soc2 reads at most|not a regular file|no such file|does not exist/;

function issueProblem(issue: SourceIssue, files: readonly string[]): string | undefined {
  if (!files.includes(issue.file)) return `issue names ${JSON.stringify(issue.file)}, not one of ${files.join(', ')}`;
  if (issue.line >= 1 && issue.col >= 1) return undefined;
  if (issue.line === 0 && WHOLE_FILE.test(issue.message)) return undefined;
  return `issue without a line and column: ${JSON.stringify(issue)}`;
}

/** The loader contract: loaded (exit 0) or exit 2 with every issue located in one of `files`. */
function expectLoaderContract(o: Outcome, files: readonly string[]): void {
  const problem = contractProblem(o, { allowed: [0, 2], file: files });
  if (problem) expect.fail(problem);
  if (o.code !== 2) return;
  const e = o.error;
  const issues = e instanceof ConfigError || e instanceof ControlDefinitionError ? e.issues : e instanceof InputFileError ? [e.issue] : undefined;
  if (!issues) expect.fail(`exit 2 from ${(e as Error)?.constructor?.name}, not a located error: ${o.stderr}`);
  for (const issue of issues) {
    const p = issueProblem(issue, files);
    if (p) expect.fail(`${p}\n${o.stderr}`);
    if (issue.line >= 1) expect(hasLineCol(o.stderr, issue.file), o.stderr).toBe(true);
  }
}

describe('fuzz: YAML loaders', () => {
  it('config loader: a mutated real configuration loads, or is exit 2 at file:line:col', async () => {
    const dir = tempDir('soc2-fuzz-config-');
    await fc.assert(
      fc.asyncProperty(configInput, async (bytes) => {
        writeFileSync(join(dir, 'soc2.config.yaml'), bytes);
        const o = await inProcess(() => loadConfig({ cwd: dir, file: 'soc2.config.yaml', today: TODAY }));
        expectLoaderContract(o, ['soc2.config.yaml']);
      }),
      fuzzParams(250),
    );
  }, fuzzTimeout(120_000));

  it('control loader, one file: a mutated shipped control loads, or is exit 2 at file:line:col', async () => {
    const dir = tempDir('soc2-fuzz-control-');
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CONTROL_FILES), controlInput, async (name, input) => {
        writeFileSync(join(dir, name), input.generated ?? mutateYaml(controlText(name), input.mutations));
        try {
          const o = await inProcess(() => loadControls({ paths: [name], cwd: dir }));
          expectLoaderContract(o, [name]);
        } finally {
          rmSync(join(dir, name), { force: true });
        }
      }),
      fuzzParams(250),
    );
  }, fuzzTimeout(120_000));

  it('control loader, a directory: several mutated controls are all reported at once, each located', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...CONTROL_FILES), { minLength: 2, maxLength: 5 }),
        fc.array(yamlMutations, { minLength: 1, maxLength: 3 }),
        async (names, mutationSets) => {
          const dir = join(tempDir('soc2-fuzz-controls-'), `d${n++}`);
          mkdirSync(join(dir, 'controls'), { recursive: true });
          names.forEach((name, i) => {
            const text = controlText(name);
            writeFileSync(join(dir, 'controls', name), i < mutationSets.length ? mutateYaml(text, mutationSets[i]!) : text);
          });
          const o = await inProcess(() => loadControls({ paths: ['controls'], cwd: dir }));
          expectLoaderContract(o, names.map((x) => `controls/${x}`));
          rmSync(dir, { recursive: true, force: true });
        },
      ),
      fuzzParams(60),
    );
  }, fuzzTimeout(120_000));

  it('a mutated configuration with the controls and exceptions it names: each is loaded, or exit 2 locates the problem in a file', async () => {
    const dir = tempDir('soc2-fuzz-config-paths-');
    mkdirSync(join(dir, 'controls'));
    writeFileSync(join(dir, 'controls', 'REPO-002.yaml'), controlText('REPO-002.yaml'));
    writeFileSync(join(dir, 'exceptions.yaml'), REAL_EXCEPTIONS);
    const seed = 'controls:\n  paths: [controls]\n  exclude: [GH-030]\nexceptions: exceptions.yaml\n';
    await fc.assert(
      fc.asyncProperty(yamlMutations, async (mutations) => {
        writeFileSync(join(dir, 'soc2.config.yaml'), mutateYaml(seed, mutations));
        const o = await inProcess(async () => {
          const loaded = loadConfig({ cwd: dir, file: 'soc2.config.yaml', today: TODAY });
          await loadConfiguredControls(loaded);
          loadConfiguredExceptions(loaded);
        });
        const named = ['soc2.config.yaml', 'controls/REPO-002.yaml', 'exceptions.yaml'];
        const problem = contractProblem(o, { allowed: [0, 2], file: named });
        if (problem) expect.fail(problem);
        if (o.code === 2 && !named.some((f) => hasLineCol(o.stderr, f)) && !/soc2 reads at most|not a regular file/.test(o.stderr)) {
          expect.fail(`exit 2 not located in any file: ${o.stderr}`);
        }
      }),
      fuzzParams(120),
    );
  }, fuzzTimeout(120_000));

  it('exceptions loader: a mutated real exceptions file loads, or is exit 2 at file:line:col', async () => {
    const dir = tempDir('soc2-fuzz-exceptions-');
    await fc.assert(
      fc.asyncProperty(exceptionsInput, async (bytes) => {
        writeFileSync(join(dir, 'exceptions.yaml'), bytes);
        const o = await inProcess(() => loadExceptions(join(dir, 'exceptions.yaml'), 'exceptions.yaml'));
        expectLoaderContract(o, ['exceptions.yaml']);
      }),
      fuzzParams(250),
    );
  }, fuzzTimeout(120_000));
});

/** Minimal cases of what the properties above found, kept as plain tests. */
describe('fuzz findings: YAML loaders', () => {
  it('a key written as a list or mapping is exit 2 at the key, and the yaml library prints no warning of its own', async () => {
    const warned = vi.spyOn(process, 'emitWarning');
    const dir = tempDir('soc2-fuzz-key-');
    try {
      for (const [text, where] of [['concurrency: 4\n? [a, b]\n: 1\n', '2:3'], ['a: &k { x: 1 }\n? *k\n: 2\n', '2:3']] as const) {
        writeFileSync(join(dir, 'soc2.config.yaml'), text);
        const o = await inProcess(() => loadConfig({ cwd: dir, file: 'soc2.config.yaml', today: TODAY }));
        expect(o.code, o.stderr).toBe(2);
        expect(o.stderr).toContain(`soc2.config.yaml:${where} this mapping key is a list or mapping; soc2 keys are plain text.`);
      }
      expect(warned).not.toHaveBeenCalled();
    } finally {
      warned.mockRestore();
    }
  });

  it('a controls path in the configuration that does not exist is reported at its line in the configuration', async () => {
    const dir = tempDir('soc2-fuzz-paths-');
    writeFileSync(join(dir, 'soc2.config.yaml'), 'controls:\n  paths: [builtin, contrls]\n');
    const o = await inProcess(() => loadConfiguredControls(loadConfig({ cwd: dir, file: 'soc2.config.yaml', today: TODAY })));
    expect(o.code).toBe(2);
    expect(o.stderr).toContain('soc2.config.yaml:2:20 controls.paths[1]: "contrls": no such file or directory');
  });

  it('an exceptions file the configuration names but that does not exist is reported at the exceptions key (soc2 run)', async () => {
    const dir = tempDir('soc2-fuzz-exceptions-missing-');
    mkdirSync(join(dir, 'controls'));
    writeFileSync(join(dir, 'controls', 'REPO-002.yaml'), controlText('REPO-002.yaml'));
    writeFileSync(join(dir, 'soc2.config.yaml'), 'controls: { paths: [controls] }\nexceptions: waivers.yaml\n');
    const r = await runCli(['run'], { cwd: dir });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('soc2.config.yaml:2:13 exceptions: the exceptions file "waivers.yaml" does not exist.');
  });
});
