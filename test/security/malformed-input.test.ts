/**
 * Threat model: soc2 runs in CI on configuration, control and exceptions files from pull requests,
 * and `soc2 report` / `soc2 verify` read report directories someone handed over. Whatever those
 * files hold — YAML alias bombs, special files, bad bytes, patterns built to backtrack, escape
 * sequences — the answer is exit 2 (or a verdict) with the file named, never a hang, a crash, exit 4
 * or a terminal that obeys the file. Every case goes through the real CLI (bin/soc2.js).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanEnv, type CliResult } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { packageRoot } from '../../src/paths.js';

const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?/;
/** Generous: the fixed code answers in well under a second; the old code never answered at all. */
const HANG_KILL_MS = 120_000;
const HANG_TEST_TIMEOUT = HANG_KILL_MS + 30_000;

/** Runs node with `args`, killing it after HANG_KILL_MS so that a hang fails the test's assertions instead of the suite. */
function runNode(args: string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const killer = setTimeout(() => child.kill('SIGKILL'), HANG_KILL_MS);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
}
const soc2 = (args: string[], cwd: string) => runNode([join(packageRoot, 'bin', 'soc2.js'), ...args], cwd);

function expectCleanExit2(r: CliResult, file: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).toContain(file);
  expect(r.stderr).not.toMatch(/internal error|This is a bug/);
  expect(r.stderr).not.toMatch(STACK_TRACE);
}

const control = (id: string, extra: { title?: string; collector?: string; assert?: string; params?: string } = {}) => `id: ${id}
title: ${extra.title ?? 'A security policy tells people how to report vulnerabilities'}
criteria: [CC2.3]
severity: medium
description: The repository has a security policy.
collector: ${extra.collector ?? 'repo.security-policy'}
${extra.params ? `params: ${extra.params}\n` : ''}assert: ${extra.assert ?? '{ key: securityPolicyPresent, op: eq, value: true }'}
remediation: Add SECURITY.md.
`;

const ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]',
  'i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]',
  '',
].join('\n');

/** A directory holding each kind of hostile file under a name that looks like YAML. */
function hostileTree(): string {
  const dir = tempTree({
    'SECURITY.md': '# Security\nMail security@example.com.\n',
    'bomb.yaml': ALIAS_BOMB,
    'undefined-alias.yaml': 'controls: *nowhere\n',
    'self-alias.yaml': 'controls: &loop { paths: [*loop] }\n',
    'deep.yaml': `controls: ${'['.repeat(5000)}${']'.repeat(5000)}\n`,
  });
  writeFileSync(join(dir, 'latin1.yaml'), Buffer.concat([Buffer.from('period:\n  start: "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]));
  writeFileSync(join(dir, 'huge.yaml'), Buffer.alloc(2 * 1024 * 1024, 0x61));
  mkdirSync(join(dir, 'dir.yaml'));
  execFileSync('mkfifo', [join(dir, 'fifo.yaml')]);
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  return dir;
}

describe('security: malformed input (through bin/)', () => {
  describe('as the configuration file (--config)', () => {
    const dir = hostileTree();
    it.each([
      ['bomb.yaml', /bomb\.yaml:2:8 YAML aliases here would expand more than 100 times/],
      ['undefined-alias.yaml', /undefined-alias\.yaml:1:11 YAML alias \*nowhere refers to no anchor/],
      ['self-alias.yaml', /self-alias\.yaml:1:\d+ an alias refers to a mapping or list that contains it/],
      ['deep.yaml', /deep\.yaml:1:\d+ YAML nests more than 64 levels deep/],
      ['latin1.yaml', /latin1\.yaml:2:14 is not valid UTF-8 \(byte 0xE9\); save the configuration file as UTF-8/],
      ['huge.yaml', /huge\.yaml: is 2 MiB; soc2 reads at most 256 KiB from a configuration file/],
      ['dir.yaml', /dir\.yaml: is a directory, not a regular file/],
      ['fifo.yaml', /fifo\.yaml: is a named pipe \(FIFO\), not a regular file/],
      ['zero.yaml', /zero\.yaml: is a character device, not a regular file/],
      ['/dev/zero', /\/dev\/zero: is a character device, not a regular file/],
    ])('%s → exit 2 naming the file and what is wrong', async (file, message) => {
      const r = await soc2(['run', '--config', file], dir);
      expectCleanExit2(r, file);
      expect(r.stderr).toMatch(message);
    }, HANG_TEST_TIMEOUT);
  });

  describe('as a control file or control path', () => {
    it('lists every unreadable or hostile control file at once, with file and line, and collects nothing', async () => {
      const dir = tempTree({
        'soc2.config.yaml': 'controls: { paths: [controls, extra.yaml] }\n',
        'controls/SEC-001.yaml': ALIAS_BOMB,
        'controls/SEC-002.yaml': control('SEC-002').replace('{ key: securityPolicyPresent, op: eq, value: true }', '*missing'),
      });
      mkdirSync(join(dir, 'controls', 'SEC-003.yaml'));
      execFileSync('mkfifo', [join(dir, 'controls', 'SEC-004.yaml')]);
      execFileSync('mkfifo', [join(dir, 'extra.yaml')]);
      symlinkSync('/dev/zero', join(dir, 'controls', 'SEC-005.yaml'));
      const r = await soc2(['run'], dir);
      expectCleanExit2(r, 'controls/SEC-001.yaml:2:8');
      expect(r.stderr).toContain('controls/SEC-002.yaml:7:9 YAML alias *missing refers to no anchor');
      expect(r.stderr).toContain('controls/SEC-003.yaml: is a directory, not a regular file');
      expect(r.stderr).toContain('controls/SEC-004.yaml: is a named pipe (FIFO), not a regular file');
      expect(r.stderr).toContain('controls/SEC-005.yaml: is a character device, not a regular file');
      expect(r.stderr).toContain('extra.yaml: is a named pipe (FIFO), not a regular file');
      expect(r.stderr).toMatch(/^soc2: 6 problems in control definitions/);
    }, HANG_TEST_TIMEOUT);

    it('controls validate names a FIFO given as a path instead of waiting for a writer', async () => {
      const dir = tempTree({});
      execFileSync('mkfifo', [join(dir, 'GH-900.yaml')]);
      const r = await soc2(['controls', 'validate', 'GH-900.yaml'], dir);
      expectCleanExit2(r, 'GH-900.yaml: is a named pipe (FIFO)');
    }, HANG_TEST_TIMEOUT);
  });

  describe('as the exceptions file', () => {
    it.each([
      ['fifo.yaml', 'fifo.yaml: is a named pipe (FIFO), not a regular file'],
      ['zero.yaml', 'zero.yaml: is a character device, not a regular file'],
      ['dir.yaml', 'dir.yaml: is a directory, not a regular file'],
      ['bomb.yaml', 'bomb.yaml:2:8 YAML aliases here would expand more than 100 times'],
      ['latin1.yaml', 'latin1.yaml:2:14 is not valid UTF-8 (byte 0xE9); save the exceptions file as UTF-8'],
    ])('%s → exit 2 naming it', async (file, message) => {
      const dir = hostileTree();
      writeFileSync(join(dir, 'soc2.config.yaml'), `controls: { paths: [controls] }\nexceptions: ${file}\n`);
      mkdirSync(join(dir, 'controls'));
      writeFileSync(join(dir, 'controls', 'SEC-001.yaml'), control('SEC-001'));
      const r = await soc2(['run'], dir);
      expectCleanExit2(r, message);
    }, HANG_TEST_TIMEOUT);
  });

  describe('soc2 report and soc2 verify', () => {
    it('report: results.json that is not JSON → exit 2 with file:line:col and what was expected', async () => {
      const dir = tempTree({ 'results.json': '{\n  "schemaVersion": 1,\n  "controls": [1, 2,]\n}\n' });
      const r = await soc2(['report', 'results.json'], dir);
      expectCleanExit2(r, 'results.json:3:21 is not valid JSON: expected a value, found "]"');
    }, HANG_TEST_TIMEOUT);

    it('report: a FIFO or /dev/zero as results.json → exit 2, not a hang', async () => {
      const dir = tempTree({});
      execFileSync('mkfifo', [join(dir, 'results.json')]);
      expectCleanExit2(await soc2(['report', 'results.json'], dir), 'results.json: is a named pipe (FIFO)');
      expectCleanExit2(await soc2(['report', '/dev/zero'], dir), '/dev/zero: is a character device');
    }, HANG_TEST_TIMEOUT);

    it('verify: a manifest that is not JSON → exit 2 with file:line:col', async () => {
      const dir = tempTree({ 'report/evidence/manifest.json': '{\n  "files": [\n    { "path": "results.json", }\n  ]\n}\n' });
      const r = await soc2(['verify', 'report'], dir);
      expectCleanExit2(r, 'report/evidence/manifest.json:3:31 is not valid JSON: expected a property name in double quotes');
    }, HANG_TEST_TIMEOUT);

    it('verify: a manifest of the wrong shape or with a path out of the report → exit 2, not exit 4', async () => {
      const dir = tempTree({ 'a/evidence/manifest.json': '{"files": 7}\n', 'b/evidence/manifest.json': `{"files": [{"path": "../../etc/passwd", "sha256": "${'0'.repeat(64)}", "size": 1}]}\n` });
      expectCleanExit2(await soc2(['verify', 'a'], dir), 'a/evidence/manifest.json:1:11 is not a soc2 evidence manifest (files: ');
      expectCleanExit2(await soc2(['verify', 'b'], dir), 'files[0].path: expected a path inside the report directory');
    }, HANG_TEST_TIMEOUT);

    it('verify: a FIFO or device planted where a listed file was is reported as changed, not read', async () => {
      const dir = tempTree({ 'report/evidence/manifest.json': JSON.stringify({ files: [
        { path: 'evidence/a.json', sha256: '0'.repeat(64), size: 10 },
        { path: 'evidence/b.json', sha256: '0'.repeat(64), size: 10 },
      ] }) });
      execFileSync('mkfifo', [join(dir, 'report', 'evidence', 'a.json')]);
      symlinkSync('/dev/zero', join(dir, 'report', 'evidence', 'b.json'));
      const r = await soc2(['verify', 'report'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('evidence/a.json: is a named pipe (FIFO), not a regular file');
      expect(r.stderr).toContain('evidence/b.json: is a character device, not a regular file');
    }, HANG_TEST_TIMEOUT);
  });

  describe('patterns', () => {
    it('matches runs in linear time: ^([A-Za-z_ ]+)*$ against a 5,000-character workflow name answers (exit 1, not a hang)', async () => {
      const dir = tempTree({
        'soc2.config.yaml': 'controls: { paths: [controls] }\n',
        'controls/SEC-001.yaml': control('SEC-001', { collector: 'repo.workflows', assert: "{ key: name, op: matches, value: '^([A-Za-z_ ]+)*$' }" }),
        '.github/workflows/ci.yml': `name: ${'a'.repeat(5000)}!\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - run: echo hi\n`,
      });
      const r = await soc2(['run'], dir);
      expect(r.code, r.stderr).toBe(1);
      const results = JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8'));
      expect(results.controls[0]).toMatchObject({ id: 'SEC-001', status: 'fail' });
    }, HANG_TEST_TIMEOUT);

    it('a backreference or lookaround is a located control error at load time, in controls validate and in run', async () => {
      const dir = tempTree({
        'soc2.config.yaml': 'controls: { paths: [controls] }\n',
        'controls/SEC-001.yaml': control('SEC-001', { collector: 'repo.workflows', assert: "{ key: name, op: matches, value: '(a)\\1' }" }),
        'controls/SEC-002.yaml': control('SEC-002', { collector: 'repo.workflows', assert: "{ key: name, op: matches, value: '^(?!release)' }" }),
      });
      for (const args of [['controls', 'validate'], ['run']]) {
        const r = await soc2(args, dir);
        expectCleanExit2(r, 'controls/SEC-001.yaml:7:42 assert.value: invalid regular expression');
        expect(r.stderr).toMatch(/SEC-001\.yaml.*no backreferences/);
        expect(r.stderr).toMatch(/controls\/SEC-002\.yaml:7:42 assert\.value: invalid regular expression: invalid or unsupported Perl syntax.*lookaround/);
      }
    }, HANG_TEST_TIMEOUT);

    it('an exclude glob built to backtrack does not hang the repository scan', async () => {
      const dir = tempTree({
        'soc2.config.yaml': 'controls: { paths: [controls] }\n',
        'controls/SEC-001.yaml': control('SEC-001', {
          collector: 'repo.secrets',
          params: `{ exclude: ['${'**a'.repeat(12)}**b'] }`,
          assert: '{ key: secretCount, op: eq, value: 0 }',
        }),
        [`${'a'.repeat(200)}.txt`]: 'nothing secret here\n',
      });
      const r = await soc2(['run'], dir);
      expect(r.code, r.stderr).toBe(0);
    }, HANG_TEST_TIMEOUT);

    it('a github.repos glob built to backtrack answers at once', async () => {
      const dir = tempTree({});
      const glob = join(packageRoot, 'dist', 'util', 'glob.js');
      const script = `import(${JSON.stringify(glob)}).then((m) => console.log(m.globMatches(${JSON.stringify('*a'.repeat(12) + '*b')}, ${JSON.stringify('a'.repeat(100))})))`;
      const r = await runNode(['--input-type=module', '-e', script], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('false');
    }, HANG_TEST_TIMEOUT);
  });

  describe('terminal output', () => {
    const HOSTILE = /[\u001b\u0007\u009b\u202a-\u202e\u2066-\u2069]/;

    it('a control title with escape sequences, bidi overrides and a newline is shown neutralised in the run summary', async () => {
      const dir = tempTree({
        'soc2.config.yaml': 'controls: { paths: [controls] }\n',
        'controls/SEC-001.yaml': control('SEC-001', { title: '"Policy \\e[2J\\e]0;owned\\a\\u202Egnp.exe\\n PASS  GH-002 forged line"' }),
      });
      const r = await soc2(['run'], dir);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).not.toMatch(HOSTILE);
      expect(r.stdout).toContain('Policy \ufffd[2J\ufffd]0;owned\ufffd\ufffdgnp.exe  PASS  GH-002 forged line');
      expect(r.stdout.split('\n').filter((l) => l.includes('PASS  GH-002'))).toHaveLength(1);
    }, HANG_TEST_TIMEOUT);

    it('controls list shows hostile titles neutralised, and --json escapes bidi characters', async () => {
      const dir = tempTree({ 'controls/SEC-001.yaml': control('SEC-001', { title: '"Fine \\u202Eevil\\e[31m red"' }) });
      const table = await soc2(['controls', 'list', 'controls'], dir);
      expect(table.code, table.stderr).toBe(0);
      expect(table.stdout).not.toMatch(HOSTILE);
      expect(table.stdout).toContain('Fine \ufffdevil\ufffd[31m red');
      const json = await soc2(['controls', 'list', 'controls', '--json'], dir);
      expect(json.stdout).not.toMatch(HOSTILE);
      expect(JSON.parse(json.stdout)[0].title).toBe('Fine \u202eevil\u001b[31m red');
    }, HANG_TEST_TIMEOUT);

    it('error messages neutralise what they quote from files and file names', async () => {
      const dir = tempTree({
        'controls/SEC-001.yaml': control('SEC-001') + '"\\e]0;owned\\a\\nforged": 1\n',
        'controls/SEC-002\u001b[2J.yaml': control('SEC-002'),
      });
      const r = await soc2(['controls', 'validate', 'controls'], dir);
      expectCleanExit2(r, 'controls/SEC-001.yaml:9:1');
      expect(r.stderr).not.toMatch(HOSTILE);
      expect(r.stderr).toContain('unknown key "\ufffd]0;owned\ufffd\ufffdforged"');
      expect(r.stderr).toContain('controls/SEC-002\ufffd[2J.yaml');
      expect(r.stderr.split('\n').some((l) => l.startsWith('forged'))).toBe(false);
    }, HANG_TEST_TIMEOUT);
  });
});
