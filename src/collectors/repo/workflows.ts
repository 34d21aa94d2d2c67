/**
 * repo.workflows — one resource per GitHub Actions workflow file (.github/workflows/*.yml|yaml),
 * with three independent groups of facts so separate controls can judge them:
 *  - pinning: third-party actions and reusable workflows referenced by a full 40-hex commit SHA,
 *    docker:// images by a sha256 digest (a tag or branch can be moved to different code after
 *    review); actions of the repository itself (./path, or owner/repo/path@ref naming this very
 *    repository, which GitHub also accepts) are reviewed with it and are not third-party;
 *  - token permissions: what `permissions:` the workflow declares for GITHUB_TOKEN (none declared
 *    means the repository's default, which may be read-write);
 *  - dangerous triggers: `pull_request_target` / `workflow_run` workflows, which run with secrets
 *    and a write token, that check out the pull request's own code ("pwn request").
 * A file that does not parse is recorded as such, with the parser's line, never skipped.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { z } from 'zod';
import type { Collector, Evidence, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import { dirGaps, loadRepo, readGap, readRepoFile, repoFacts } from './files.js';

/** GitHub only loads workflow files directly inside this directory. */
const WORKFLOW_FILE = /^\.github\/workflows\/[^/]+\.ya?ml$/;
/** Triggers that run in the base repository's context, with its secrets, for events outsiders can cause. */
export const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'] as const;
const FULL_SHA = /@[0-9a-fA-F]{40}$/;
const IMAGE_DIGEST = /@sha256:[0-9a-fA-F]{64}$/;
/** owner/repo at the start of a `uses:` reference to a repository (an action at its root or below, or a reusable workflow). */
const REPO_REF = /^([A-Za-z0-9-]+\/[A-Za-z0-9._-]+)(?:\/[^@]*)?@/;

/**
 * Expressions and refs that name the pull request's code rather than the base branch. Checking one
 * of these out under a privileged trigger runs untrusted code with the base repository's secrets.
 */
const UNTRUSTED_REFS: readonly RegExp[] = [
  /github\.event\.pull_request\.head\.(?:sha|ref|repo\.full_name)\b/,
  /github\.event\.pull_request\.merge_commit_sha\b/,
  /github\.head_ref\b/,
  /refs\/pull\//,
  /github\.event\.workflow_run\.head_(?:sha|branch|repository\.full_name)\b/,
];
const GIT_FETCH = /\b(?:git\s+(?:fetch|checkout|switch|pull|reset|worktree\s+add)|gh\s+pr\s+checkout)\b/;

const params = z.strictObject({});

const unpinnedAction = z.object({
  summary: z.string().describe('where and what'),
  file: z.string().describe('workflow file'),
  kind: z.enum(['action', 'reusable-workflow', 'docker-image']).describe('what is referenced'),
  uses: z.string().describe('action reference'),
  job: z.string().describe('job'),
  step: z.string().nullable().describe('step (null for a reusable workflow call)'),
  line: z.number().describe('line number'),
});

const untrustedCheckout = z.object({
  summary: z.string().describe('where and what'),
  file: z.string().describe('workflow file'),
  job: z.string().describe('job'),
  step: z.string().describe('step'),
  line: z.number().describe('line number'),
  via: z.enum(['actions/checkout', 'run']).describe('how the code is fetched'),
  ref: z.string().describe('the untrusted ref or command'),
  allowUnsafeCheckout: z.boolean().describe('allow-unsafe-pr-checkout set, overriding actions/checkout v7 protection'),
});

const resource = z.object({
  path: z.string().describe('workflow file'),
  name: z.string().nullable().describe('workflow name'),
  parsed: z.boolean().describe('workflow file parses as a workflow'),
  parseError: z.string().nullable().describe('why the workflow file does not parse'),
  parseErrorLine: z.number().nullable().describe('line of the parse error, when the parser gave one'),
  triggers: z.array(z.string()).nullable().describe('events that trigger the workflow'),
  jobCount: z.number().nullable().describe('jobs in the workflow'),
  thirdPartyActionCount: z.number().nullable().describe('third-party actions, reusable workflows and docker:// images used'),
  sameRepositoryActionCount: z.number().nullable().describe('actions and reusable workflows of this repository (./… or owner/repo/…@ref naming it)'),
  unpinnedActions: z.array(unpinnedAction).nullable().describe('third-party actions not pinned to a full commit SHA (docker:// images: to a sha256 digest)'),
  unpinnedActionCount: z.number().nullable().describe('third-party actions not pinned to a full commit SHA (docker:// images: to a sha256 digest)'),
  permissionsDeclared: z.boolean().nullable().describe('GITHUB_TOKEN permissions declared at the top level or on every job'),
  topLevelPermissions: z.string().nullable().describe('top-level permissions'),
  topLevelPermissionsLine: z.number().nullable().describe('line of the top-level permissions key (null when there is none)'),
  jobPermissions: z.array(z.object({ job: z.string().describe('job'), permissions: z.string().nullable().describe('permissions'), line: z.number().describe('line of the job') }))
    .nullable().describe('permissions declared per job'),
  jobsWithoutPermissions: z.array(z.string()).nullable().describe('jobs that inherit the repository default token permissions'),
  writeAll: z.boolean().nullable().describe('write-all permissions granted'),
  topLevelWriteScopes: z.array(z.string()).nullable().describe('write scopes granted to every job (top-level permissions)'),
  privilegedTriggers: z.array(z.string()).nullable().describe('privileged triggers (pull_request_target, workflow_run)'),
  untrustedCheckouts: z.array(untrustedCheckout).nullable().describe('steps that check out pull request code under a privileged trigger'),
  untrustedCheckoutCount: z.number().nullable().describe('steps that check out pull request code under a privileged trigger'),
});

export type WorkflowsParams = z.infer<typeof params>;
export type WorkflowResource = z.infer<typeof resource>;
type UnpinnedAction = z.infer<typeof unpinnedAction>;
type UntrustedCheckout = z.infer<typeof untrustedCheckout>;

function unparsed(path: string, parseError: string, parseErrorLine: number | null = null): WorkflowResource {
  return {
    path,
    name: null,
    parsed: false,
    parseError,
    parseErrorLine,
    triggers: null,
    jobCount: null,
    thirdPartyActionCount: null,
    sameRepositoryActionCount: null,
    unpinnedActions: null,
    unpinnedActionCount: null,
    permissionsDeclared: null,
    topLevelPermissions: null,
    topLevelPermissionsLine: null,
    jobPermissions: null,
    jobsWithoutPermissions: null,
    writeAll: null,
    topLevelWriteScopes: null,
    privilegedTriggers: null,
    untrustedCheckouts: null,
    untrustedCheckoutCount: null,
  };
}

/** `permissions:` as one readable string: 'read-all', 'none', or 'contents: read, pull-requests: write'. */
export function describePermissions(value: unknown): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value === null ? 'none' : JSON.stringify(value);
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${String(v)}`).join(', ');
}

function writeScopes(value: unknown): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v === 'write')
    .map(([k]) => `${k}: write`)
    .sort();
}

function triggersOf(on: unknown): string[] {
  if (typeof on === 'string') return [on];
  if (Array.isArray(on)) return on.filter((t): t is string => typeof t === 'string');
  if (on && typeof on === 'object') return Object.keys(on);
  return [];
}

/**
 * Analyses one workflow file's text. `repository` is this repository's `owner/repo` when known:
 * references to it are its own code, not third-party. Exported for the sample-estate tests.
 */
export function analyseWorkflow(path: string, text: string, repository?: string): WorkflowResource {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const firstError = doc.errors[0];
  if (firstError) {
    const pos = firstError.linePos?.[0];
    const msg = firstError.message.split('\n')[0] ?? 'invalid YAML';
    return unparsed(path, pos ? `line ${pos.line}, column ${pos.col}: ${msg}` : msg, pos?.line ?? null);
  }
  const root = doc.contents;
  if (!isMap(root)) return unparsed(path, 'line 1: the file is not a YAML mapping', 1);
  let js: Record<string, unknown>;
  try {
    js = doc.toJS() as Record<string, unknown>;
  } catch (err) {
    // toJS refuses documents that expand aliases excessively (a "billion laughs" file).
    return unparsed(path, `the file cannot be expanded: ${err instanceof Error ? err.message : String(err)}`);
  }
  const jobsNode = resolve(doc, root.get('jobs', true) as Node | undefined);
  if (!isMap(jobsNode)) return unparsed(path, 'the file has no `jobs:` mapping, so GitHub rejects it');

  const lineOf = (node: Node | undefined | null, fallback: number): number => (node?.range ? lc.linePos(node.range[0]).line : fallback);
  // A workflow written as YAML 1.1 (`%YAML 1.1`) reads `on` as the boolean true.
  const triggers = triggersOf('on' in js ? js.on : js['true']);
  const privilegedTriggers = triggers.filter((t) => (PRIVILEGED_TRIGGERS as readonly string[]).includes(t));
  const topPermissions = js.permissions;
  const jobs = (js.jobs ?? {}) as Record<string, Record<string, unknown> | null>;

  const unpinned: UnpinnedAction[] = [];
  const untrusted: UntrustedCheckout[] = [];
  const jobPermissions: Array<{ job: string; permissions: string | null; line: number }> = [];
  let thirdParty = 0;
  let sameRepository = 0;
  let writeAll = topPermissions === 'write-all';
  const self = repository?.toLowerCase();

  const checkUses = (uses: unknown, job: string, step: string | null, line: number) => {
    if (typeof uses !== 'string') return;
    const ref = uses.trim();
    if (ref.startsWith('./') || (self !== undefined && REPO_REF.exec(ref)?.[1]?.toLowerCase() === self)) {
      sameRepository++;
      return;
    }
    thirdParty++;
    const docker = ref.startsWith('docker://');
    if (docker ? IMAGE_DIGEST.test(ref) : FULL_SHA.test(ref)) return;
    const where = step === null ? `job ${job}` : `job ${job}, step "${step}"`;
    const kind = docker ? 'docker-image' : step === null ? 'reusable-workflow' : 'action';
    unpinned.push({ summary: `line ${line}: ${ref} (${where})`, file: path, kind, uses: ref, job, step, line });
  };

  for (const pair of jobsNode.items) {
    const jobId = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
    const jobNode = resolve(doc, pair.value as Node | null);
    const job = jobs[jobId] ?? {};
    const jobLine = lineOf(pair.key as Node, 1);
    jobPermissions.push({ job: jobId, permissions: describePermissions(job.permissions), line: jobLine });
    if (job.permissions === 'write-all') writeAll = true;
    if (!isMap(jobNode)) continue;
    checkUses(job.uses, jobId, null, lineOf(jobNode.get('uses', true) as Node | undefined, jobLine));

    const stepsNode = resolve(doc, jobNode.get('steps', true) as Node | undefined);
    const steps = Array.isArray(job.steps) ? (job.steps as Array<Record<string, unknown> | null>) : [];
    if (!isSeq(stepsNode)) continue;
    stepsNode.items.forEach((item, i) => {
      const stepNode = resolve(doc, item as Node);
      const step = steps[i] ?? {};
      const label = typeof step.name === 'string' ? step.name : typeof step.id === 'string' ? step.id : `step ${i + 1}`;
      const stepLine = lineOf(stepNode, jobLine);
      const usesNode = isMap(stepNode) ? (stepNode.get('uses', true) as Node | undefined) : undefined;
      checkUses(step.uses, jobId, label, lineOf(usesNode, stepLine));
      if (privilegedTriggers.length === 0) return;

      if (typeof step.uses === 'string' && /^actions\/checkout@/i.test(step.uses)) {
        const withJs = (step.with ?? {}) as Record<string, unknown>;
        const withNode = isMap(stepNode) ? resolve(doc, stepNode.get('with', true) as Node | undefined) : undefined;
        for (const input of ['ref', 'repository']) {
          const value = withJs[input];
          if (typeof value === 'string' && UNTRUSTED_REFS.some((re) => re.test(value))) {
            const inputNode = isMap(withNode) ? ((withNode as YAMLMap).get(input, true) as Node | undefined) : undefined;
            const line = lineOf(inputNode, stepLine);
            // actions/checkout v7 (June 2026) refuses fork PR code under these triggers unless this
            // input opts out; older pinned versions do not refuse, so the step is reported either way.
            const allowUnsafe = withJs['allow-unsafe-pr-checkout'] === true || withJs['allow-unsafe-pr-checkout'] === 'true';
            untrusted.push({
              summary: `line ${line}: job ${jobId}, step "${label}" checks out ${value}${allowUnsafe ? ' with allow-unsafe-pr-checkout' : ''}`,
              file: path,
              job: jobId,
              step: label,
              line,
              via: 'actions/checkout',
              ref: value,
              allowUnsafeCheckout: allowUnsafe,
            });
            break;
          }
        }
      } else if (typeof step.run === 'string') {
        const script = step.run;
        const fetches = GIT_FETCH.exec(script);
        if (fetches && (/gh\s+pr\s+checkout/.test(fetches[0]) || UNTRUSTED_REFS.some((re) => re.test(script)))) {
          const runNode = isMap(stepNode) ? (stepNode.get('run', true) as Node | undefined) : undefined;
          const offset = script.slice(0, fetches.index).split('\n').length - 1;
          // A block scalar (`run: |`) starts on the line after the `run:` key.
          const blockStart = isScalar(runNode) && (runNode.type === 'BLOCK_LITERAL' || runNode.type === 'BLOCK_FOLDED') ? 1 : 0;
          const cmdLine = script.split('\n')[offset]?.trim() ?? fetches[0];
          const line = lineOf(runNode, stepLine) + blockStart + offset;
          untrusted.push({ summary: `line ${line}: job ${jobId}, step "${label}" runs ${cmdLine}`, file: path, job: jobId, step: label, line, via: 'run', ref: cmdLine, allowUnsafeCheckout: false });
        }
      }
    });
  }

  const jobsWithoutPermissions = topPermissions === undefined ? jobPermissions.filter((j) => j.permissions === null).map((j) => j.job) : [];
  return {
    path,
    name: typeof js.name === 'string' ? js.name : null,
    parsed: true,
    parseError: null,
    parseErrorLine: null,
    triggers,
    jobCount: jobsNode.items.length,
    thirdPartyActionCount: thirdParty,
    sameRepositoryActionCount: sameRepository,
    unpinnedActions: unpinned,
    unpinnedActionCount: unpinned.length,
    permissionsDeclared: topPermissions !== undefined || (jobPermissions.length > 0 && jobsWithoutPermissions.length === 0),
    topLevelPermissions: describePermissions(topPermissions),
    topLevelPermissionsLine: topPermissions === undefined ? null : lineOf(root.items.find((p) => isScalar(p.key) && p.key.value === 'permissions')?.key as Node | undefined, 1),
    jobPermissions,
    jobsWithoutPermissions,
    writeAll,
    topLevelWriteScopes: writeScopes(topPermissions),
    privilegedTriggers,
    untrustedCheckouts: untrusted,
    untrustedCheckoutCount: untrusted.length,
  };
}

function resolve(doc: Document, node: Node | null | undefined): Node | null | undefined {
  return isAlias(node) ? (node.resolve(doc) as Node | undefined) : node;
}

export const collector: Collector<'repo', WorkflowsParams, WorkflowResource> = {
  id: 'repo.workflows',
  source: 'repo',
  description: 'Reads every GitHub Actions workflow in .github/workflows: third-party actions and reusable workflows not pinned to a commit SHA and docker:// images not pinned to a digest, GITHUB_TOKEN permissions declared, and pull_request_target/workflow_run jobs that check out pull request code.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'not_applicable',
  // Unpinned actions and untrusted checkouts carry their line in the workflow file.
  locate: { resource: (d) => ({ file: d.path }) },
  example: `collector: repo.workflows
params: {}
assert:
  all:
    - { key: parsed, op: eq, value: true }
    - { key: unpinnedActionCount, op: eq, value: 0, message: every third-party action pinned to a full commit SHA }
`,
  async collect(ctx): Promise<Evidence<WorkflowResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap, ['.github/workflows']);
    const out = new EvidenceBuilder<WorkflowResource>();
    for (const path of snap.files.filter((f) => WORKFLOW_FILE.test(f))) {
      ctx.signal.throwIfAborted();
      const read = await readRepoFile(ctx, path, { calls });
      if (read.ok) {
        // The checkout's own owner/repo (from its origin remote); a bare directory name is no repository.
        const repository = snap.name.includes('/') ? snap.name : undefined;
        const data = read.binary ? unparsed(path, 'the file is binary, not YAML') : analyseWorkflow(path, read.text, repository);
        out.add({ id: path, data });
      } else if (read.reason === 'too-large' || read.reason === 'not-a-file') {
        // GitHub cannot run these either: a finding on the workflow. Anything else (a link out of
        // the checkout, a missing file) says nothing about the workflow itself: a gap.
        out.add({ id: path, data: unparsed(path, read.message) });
      } else {
        gaps.push(readGap(snap, read));
      }
    }
    return out.addCalls(calls).addGaps(gaps).withFacts({ ...repoFacts(snap), repository: snap.name, workflowCount: out.resourceCount }).build();
  },
};
