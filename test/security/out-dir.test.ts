/**
 * The report directory (--out) against an attacker and against bad luck: a run that fails, is
 * interrupted or crashes leaves the previous report exactly as it was; links planted in a report
 * directory are never written through or hashed; a directory soc2 did not make is never written
 * into; the attestation lists exactly the files the run wrote.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chmodSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { cleanEnv, runCli, type CliResult } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { loadConfig } from '../../src/config/load.js';
import { executeRun } from '../../src/cli/commands/run.js';
import { renderers } from '../../src/reports/index.js';
import { REPORT_MARKER } from '../../src/evidence/out-dir.js';

const policyControl = `id: SEC-001
title: A security policy tells people how to report vulnerabilities
criteria: [CC2.3]
severity: medium
description: The repository has a security policy with a contact address.
rationale: Without one, people who find a vulnerability do not know whom to tell.
collector: repo.security-policy
assert: { key: securityPolicyPresent, op: eq, value: true }
remediation: Add SECURITY.md with a contact address for vulnerability reports.
`;
const orgControl = `id: GHX-001
title: Organisation requires two-factor authentication
criteria: [CC6.1]
severity: high
description: Every member of the organisation must use two-factor authentication.
rationale: A stolen password alone must not be enough to push code.
collector: github.org-settings
assert: { key: twoFactorRequirementEnabled, op: eq, value: true }
remediation: Organisation settings → Authentication security → Require two-factor authentication.
`;
/** A checkout whose one control fails (no SECURITY.md), and a second config that also reaches GitHub. */
const project = {
  'soc2.config.yaml': 'controls: { paths: [controls] }\n',
  'github.yaml': 'github: { org: acme }\ncontrols: { paths: [controls, gh-controls] }\n',
  'controls/SEC-001.yaml': policyControl,
  'gh-controls/GHX-001.yaml': orgControl,
};

/** Everything under `root`, without following links: type, mode, contents' hash, link target. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    const abs = rel ? join(root, rel) : root;
    const st = lstatSync(abs);
    if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(abs)}`;
    else if (st.isDirectory()) {
      out[rel] = `dir ${st.mode.toString(8)}`;
      for (const name of readdirSync(abs).sort()) walk(rel ? `${rel}/${name}` : name);
    } else out[rel] = `file ${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(abs)).digest('hex')}`;
  };
  walk('');
  return out;
}

/** Staging or set-aside directories soc2 left next to a report. */
const leftovers = (parent: string) => readdirSync(parent).filter((n) => /\.soc2-(tmp|old)-/.test(n));

/** Regular files under `root` ('/'-separated), links and directories not followed. */
function filesUnder(root: string, rel = ''): string[] {
  return readdirSync(rel ? join(root, rel) : root).sort().flatMap((name) => {
    const path = rel ? `${rel}/${name}` : name;
    const st = lstatSync(join(root, path));
    return st.isDirectory() ? filesUnder(root, path) : [path];
  });
}

let template: string;
beforeAll(async () => {
  template = tempTree(project);
  const r = await runCli(['run'], { cwd: template });
  expect(r.code, r.stderr).toBe(1);
}, 60_000);

/** A checkout holding the report of an earlier run at soc2-report/. */
/** The subjects of the statement in a report directory: name → sha256. */
function statementSubjects(out: string): Record<string, string> {
  const envelope = JSON.parse(readFileSync(join(out, 'attestation.intoto.jsonl'), 'utf8')) as { payload: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { subject: Array<{ name: string; digest: { sha256: string } }> };
  return Object.fromEntries(statement.subject.map((x) => [x.name, x.digest.sha256]));
}

function payloadSha256(out: string): string {
  const envelope = JSON.parse(readFileSync(join(out, 'attestation.intoto.jsonl'), 'utf8')) as { payload: string };
  return createHash('sha256').update(Buffer.from(envelope.payload, 'base64')).digest('hex');
}

function withPreviousReport(): { dir: string; out: string; before: Record<string, string> } {
  const dir = tempTree(project);
  cpSync(join(template, 'soc2-report'), join(dir, 'soc2-report'), { recursive: true });
  return { dir, out: join(dir, 'soc2-report'), before: snapshot(join(dir, 'soc2-report')) };
}

/** A GitHub API on 127.0.0.1 whose behaviour the test chooses; `requested` settles on the first request. */
async function fakeGitHubApi(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; requested: Promise<void>; close(): Promise<void> }> {
  let first!: () => void;
  const requested = new Promise<void>((r) => (first = r));
  const server: Server = createServer((req, res) => {
    first();
    answer(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requested,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function spawnCli(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [join(packageRoot, 'bin', 'soc2.js'), ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { child, done };
}

describe('evidence/out-dir: a run that does not finish loses nothing', () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps the previous report byte for byte when GitHub rejects the token mid-run (exit 2), and removes its staging directory', async () => {
    const { dir, out, before } = withPreviousReport();
    let stagingSeen: string[] = [];
    const api = await fakeGitHubApi((_req, res) => {
      stagingSeen = leftovers(dir); // the run is under way: its staging directory exists
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Bad credentials' }));
    });
    let r: CliResult;
    try {
      r = await runCli(['run', '--config', 'github.yaml'], { cwd: dir, env: cleanEnv({ GITHUB_API_URL: api.url, GITHUB_TOKEN: 'ghp_notARealToken0000000000000000000000' }) });
    } finally {
      await api.close();
    }
    expect(snapshot(out)).toEqual(before);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('401 Bad credentials');
    expect(stagingSeen).toEqual([expect.stringMatching(/^\.soc2-report\.soc2-tmp-/)]);
    expect(leftovers(dir)).toEqual([]);
  });

  it.each([
    ['SIGINT', 130, 'interrupted'],
    ['SIGTERM', 143, 'terminated'],
  ] as const)('on %s mid-run: says so, exits %i, keeps the previous report byte for byte and removes its staging directory', async (signal, code, word) => {
    const { dir, out, before } = withPreviousReport();
    // GitHub never answers: the run waits there, deterministically, until the signal.
    const api = await fakeGitHubApi(() => {});
    let r: CliResult;
    let stagingSeen: string[];
    try {
      const { child, done } = spawnCli(['run', '--config', 'github.yaml'], { cwd: dir, env: cleanEnv({ GITHUB_API_URL: api.url, GITHUB_TOKEN: 'ghp_notARealToken0000000000000000000000' }) });
      await api.requested;
      stagingSeen = leftovers(dir);
      child.kill(signal);
      r = await done;
    } finally {
      await api.close();
    }
    expect(snapshot(out)).toEqual(before);
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(`soc2: ${word}; the previous report in soc2-report/ is unchanged`);
    expect(stagingSeen).toEqual([expect.stringMatching(/^\.soc2-report\.soc2-tmp-/)]);
    expect(leftovers(dir)).toEqual([]);
  });

  it('says that nothing was written when it is interrupted before any report existed', async () => {
    const dir = tempTree(project);
    const api = await fakeGitHubApi(() => {});
    try {
      const { child, done } = spawnCli(['run', '--config', 'github.yaml'], { cwd: dir, env: cleanEnv({ GITHUB_API_URL: api.url, GITHUB_TOKEN: 'ghp_notARealToken0000000000000000000000' }) });
      await api.requested;
      child.kill('SIGINT');
      const r = await done;
      expect(r.code).toBe(130);
      expect(r.stderr).toContain('soc2: interrupted; no report was written to soc2-report/');
    } finally {
      await api.close();
    }
    // No report and no staging directory; the GitHub client's ETag cache (created when the client opens) is not a report.
    expect(readdirSync(dir).filter((n) => n !== '.soc2-cache').sort()).toEqual(Object.keys(project).map((p) => p.split('/')[0]).filter((p, i, a) => a.indexOf(p) === i).sort());
  });

  it('keeps the previous report when the run crashes after evidence and results.json were staged (a renderer bug)', async () => {
    const { dir, out, before } = withPreviousReport();
    vi.spyOn(renderers.html, 'render').mockImplementation(() => {
      throw new TypeError('renderer bug');
    });
    const writeJson = vi.spyOn(renderers.json, 'render');
    const loaded = loadConfig({ cwd: dir, today: new Date('2026-04-01T00:00:00Z') });
    await expect(executeRun({ loaded, cwd: dir, outDir: out, failOn: 'low', extraFormats: [], env: cleanEnv(), sample: false, now: () => new Date('2026-04-01T00:00:00Z') })).rejects.toThrow('renderer bug');
    expect(writeJson).toHaveBeenCalled(); // results.json was written to the staging directory before the crash
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('removes the staging directory when the process dies of an uncaught exception', async () => {
    const { dir, out, before } = withPreviousReport();
    const script = `
      import { stageReport } from ${JSON.stringify(join(packageRoot, 'dist/evidence/out-dir.js'))};
      import { handleSignals, undoOnInterrupt } from ${JSON.stringify(join(packageRoot, 'dist/cli/signals.js'))};
      handleSignals();
      const staged = stageReport(${JSON.stringify(out)}, { cwd: ${JSON.stringify(dir)}, shown: 'soc2-report' });
      undoOnInterrupt(() => { staged.discard(); return undefined; });
      staged.write('results.json', '{}');
      setTimeout(() => { throw new Error('crash outside any promise'); }, 0);
    `;
    const { done } = (() => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      return { done: new Promise<{ code: number | null; stderr: string }>((r) => child.on('close', (code) => r({ code, stderr }))) };
    })();
    const r = await done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('crash outside any promise');
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('evidence/out-dir: links planted in a previous report', () => {
  it('never writes through or hashes links planted in a previous report (evidence/repo -> elsewhere, report.html -> a dotfile)', async () => {
    const { dir, out } = withPreviousReport();
    const elsewhere = tempTree({ 'victim.json': '{"planted": true}\n', '.bashrc': 'export PATH=/usr/bin\n' });
    const elsewhereBefore = snapshot(elsewhere);
    // The attacker also removes what made soc2 <= 0.1 treat the directory as its own and clear it.
    rmSync(join(out, 'results.json'));
    rmSync(join(out, 'attestation.intoto.jsonl'));
    rmSync(join(out, 'evidence', 'repo'), { recursive: true });
    symlinkSync(elsewhere, join(out, 'evidence', 'repo'));
    rmSync(join(out, 'report.html'));
    symlinkSync(join(elsewhere, '.bashrc'), join(out, 'report.html'));

    const r = await runCli(['run'], { cwd: dir });
    expect(snapshot(elsewhere)).toEqual(elsewhereBefore);
    expect(r.code, r.stderr).toBe(1);
    expect(Object.keys(statementSubjects(out)).filter((p) => /victim|bashrc/.test(p))).toEqual([]);
    expect(lstatSync(join(out, 'evidence', 'repo')).isDirectory()).toBe(true);
    expect(lstatSync(join(out, 'report.html')).isFile()).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('soc2 report refuses to write through a planted report.html link (exit 2) and leaves its target alone', async () => {
    const { dir, out } = withPreviousReport();
    const elsewhere = tempTree({ '.bashrc': 'export PATH=/usr/bin\n' });
    rmSync(join(out, 'report.html'));
    symlinkSync(join(elsewhere, '.bashrc'), join(out, 'report.html'));
    const r = await runCli(['report', 'soc2-report/results.json', '--format', 'html'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/report\.html is a symbolic link; soc2 does not write through links/);
    expect(readFileSync(join(elsewhere, '.bashrc'), 'utf8')).toBe('export PATH=/usr/bin\n');
    expect(readdirSync(out).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('evidence/out-dir: where soc2 will not write', () => {
  it('refuses a non-empty directory it did not create (exit 2, naming it and the marker) and changes nothing in it', async () => {
    const dir = tempTree({ ...project, 'docs/index.md': '# Our docs\n' });
    const before = snapshot(join(dir, 'docs'));
    const r = await runCli(['run', '--out', 'docs'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`soc2: --out docs is a directory that is not empty and was not written by soc2 (it has no ${REPORT_MARKER} marker file).`);
    expect(r.stderr).toContain('docs/soc2-report');
    expect(snapshot(join(dir, 'docs'))).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  it('accepts an empty directory and marks it as a soc2 report', async () => {
    const dir = tempTree(project);
    mkdirSync(join(dir, 'empty'));
    const r = await runCli(['run', '--out', 'empty'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    expect(lstatSync(join(dir, 'empty', REPORT_MARKER)).isFile()).toBe(true);
    expect(lstatSync(join(dir, 'empty', 'results.json')).isFile()).toBe(true);
  });

  it('refuses --out that is a file (exit 2, not 4) and leaves the file alone', async () => {
    const dir = tempTree({ ...project, 'notes.txt': 'mine\n' });
    const r = await runCli(['run', '--out', 'notes.txt'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('soc2: --out notes.txt is a file, not a directory.');
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
    const report = await runCli(['report', join(template, 'soc2-report', 'results.json'), '--out', 'notes.txt'], { cwd: dir });
    expect(report.code).toBe(2);
    expect(report.stderr).toContain('soc2: --out notes.txt is a file, not a directory.');
  });

  it('refuses --out under a file, where nothing can be created (exit 2 with the reason)', async () => {
    const dir = tempTree({ ...project, 'notes.txt': 'mine\n' });
    const r = await runCli(['run', '--out', 'notes.txt/report'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('soc2: Cannot create the directory for --out notes.txt/report: a part of the path is a file, not a directory (ENOTDIR).');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  // root ignores permission bits, so this case can only be shown as another user; the case above
  // covers an --out that cannot be created whoever runs the tests.
  it.skipIf(process.getuid?.() === 0)('refuses --out in a directory it cannot write (exit 2, saying it needs to write there)', async () => {
    const dir = tempTree(project);
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);
    try {
      const r = await runCli(['run', '--out', 'locked/report'], { cwd: dir });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('creating a directory in locked failed: permission denied (EACCES)');
    } finally {
      chmodSync(join(dir, 'locked'), 0o755);
    }
  });

  it('refuses the current directory and any directory containing it (exit 2)', async () => {
    const dir = tempTree(project);
    const before = snapshot(dir);
    for (const out of ['.', '..']) {
      const r = await runCli(['run', '--out', out], { cwd: join(dir, 'controls') });
      expect(r.code, out).toBe(2);
      expect(r.stderr).toMatch(/is the current directory or contains it/);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('refuses --out that is a symbolic link, even to a soc2 report, and leaves the report it points to alone', async () => {
    const { dir, out, before } = withPreviousReport();
    symlinkSync(out, join(dir, 'latest'));
    const r = await runCli(['run', '--out', 'latest'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('soc2: --out latest is a symbolic link.');
    expect(r.stderr).toContain(`Pass the directory the link points to (${out}) as --out`);
    expect(snapshot(out)).toEqual(before);
    expect(readlinkSync(join(dir, 'latest'))).toBe(out);
  });
});

describe('evidence/out-dir: the report that replaces a previous one', () => {
  it('replaces the previous report as a whole; its statement lists exactly the files this run wrote, each with its hash, and links the previous statement', async () => {
    const { dir, out, before } = withPreviousReport();
    const previous = payloadSha256(out);
    writeFileSync(join(out, 'evidence', 'planted.json'), '{"pass": true}\n');
    writeFileSync(join(out, 'notes.txt'), 'left in the report directory\n');
    const r = await runCli(['run', '--format', 'sarif'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const files = filesUnder(out);
    expect(files).not.toContain('evidence/planted.json');
    expect(files).not.toContain('notes.txt');
    const subjects = statementSubjects(out);
    // Every file in the report but the statement itself and the marker (see run-bundle.ts).
    expect(Object.keys(subjects).sort()).toEqual(files.filter((f) => f !== 'attestation.intoto.jsonl' && f !== REPORT_MARKER).sort());
    for (const [path, sha256] of Object.entries(subjects)) expect(createHash('sha256').update(readFileSync(join(out, path))).digest('hex'), path).toBe(sha256);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { run: { attestation: { previousStatement: { sha256: string } | null } } };
    expect(results.run.attestation.previousStatement).toEqual({ sha256: previous });
    expect(files).toEqual(expect.arrayContaining([REPORT_MARKER, 'results.json', 'report.md', 'report.html', 'junit.xml', 'results.sarif']));
    expect(snapshot(out)['results.json']).not.toEqual(before['results.json']); // a new run id
    expect(leftovers(dir)).toEqual([]);
    expect((await runCli(['verify', '--allow-unsigned'], { cwd: dir })).code).toBe(0);
  });

  it('soc2 report re-renders atomically: the file is replaced whole and no temporary file stays', async () => {
    const { dir, out } = withPreviousReport();
    const r = await runCli(['report', 'soc2-report/results.json', '--format', 'markdown,html', '--out', 'rendered'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'rendered')).sort()).toEqual(['report.html', 'report.md']);
    expect(readFileSync(join(dir, 'rendered', 'report.md'), 'utf8')).toBe(readFileSync(join(out, 'report.md'), 'utf8'));
  });
});
