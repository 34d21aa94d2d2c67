// Scale bench: a generated estate (default 2,000 repositories, 200,000 pull requests merged in the
// period, 50,000 AWS Config evaluation results on the rules the built-in controls read) served by the fakes on 127.0.0.1 with no added
// latency, and the whole pipeline run as a user runs it: `node bin/soc2.js run` in a child process,
// then `soc2 report` re-rendering every format from the results.json it wrote. Prints the CLI's
// peak RSS, wall times and output sizes. A benchmark, not a test: it never fails on a figure.
//
//   npm run bench -- scale [--repos 200] [--prs 20000] [--resources 5000] [--root DIR] [--keep]
//
// --root measures another checkout's build (its bin/soc2.js and dist/), e.g. the code before a
// change; the fakes always come from this checkout's dist/.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => import(pathToFileURL(join(here, 'dist', p)).href);

const TARGETS = { peakRssMb: 512, rerenderSeconds: 10, reportHtmlMb: 10 };
const ALL_FORMATS = 'json,markdown,html,junit,sarif,oscal,findings-csv';
/**
 * The fake GitHub's rate-limit budgets, per token: GitHub's defaults (5,000 points an hour) would
 * make a 2,000-repository run wait for the budget to reset, which measures the clock, not soc2.
 */
const UNLIMITED = { core: 1e9, graphql: 1e9, search: 1e9 };

/** A mistake in the bench's own options or environment: said in one line, exit 2. */
export class BenchUsageError extends Error {}

function parseArgs(argv) {
  const opts = { repos: 2000, prs: 200_000, resources: 50_000, root: here, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new BenchUsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--repos' || a === '--prs' || a === '--resources') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new BenchUsageError(`${a} takes a whole number, not ${JSON.stringify(argv[i])}`);
      opts[a.slice(2)] = n;
    } else if (a === '--root') opts.root = resolve(value());
    else if (a === '--keep') opts.keep = true;
    else throw new BenchUsageError(`unknown option ${a} (use --repos, --prs, --resources, --root, --keep)`);
  }
  if (opts.repos < 1) throw new BenchUsageError('--repos must be at least 1');
  return opts;
}

/** `prs` merged pull requests spread over the repositories, each reviewed, checked and on the default branch. */
function addPulls(estate, prs, { shiftDays, fakeSha, approvedMergedPull }) {
  const repos = estate.repos;
  for (const [index, repo] of repos.entries()) {
    const count = Math.floor(prs / repos.length) + (index < prs % repos.length ? 1 : 0);
    repo.pulls = [];
    repo.commits = [];
    for (let n = 1; n <= count; n++) {
      // Spread over the first 80 days of the period, hour by hour, so no two merges of a repository coincide.
      const mergedAt = shiftDays('2026-01-05T12:00:00Z', ((index + n * 7) % 80) + (n % 24) / 24 + n / 100_000);
      const head = fakeSha(`${repo.name}:head:${n}`);
      const merge = fakeSha(`${repo.name}:merge:${n}`);
      repo.pulls.push(approvedMergedPull({ number: n, title: `Change ${n}`, mergedAt, baseRef: repo.defaultBranch, headRef: `feature/${n}`, headSha: head, mergeCommitSha: merge, reviewId: index * 1_000_000 + n }));
      repo.commits.push({ sha: merge, message: `Merge pull request #${n}`, author: 'bob-nw', committedDate: mergedAt, pr: n, checks: 'SUCCESS' });
    }
  }
  return estate;
}

/** The AWS Config rules the built-in controls ask about (their `rules` parameter). */
function rulesTheControlsRead(parseYaml) {
  const dir = join(here, 'controls');
  const wanted = new Set();
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
    const control = parseYaml(readFileSync(join(dir, name), 'utf8'));
    if (control?.collector === 'aws.config-rules') for (const r of control.params?.rules ?? []) if (typeof r === 'string') wanted.add(r);
  }
  return wanted;
}

/**
 * `total` evaluation results spread evenly over the rules the controls read, region by region
 * (the bench estate spreads them over the first rules of the catalogue, most of which no built-in
 * control reads); one in 50 NON_COMPLIANT, as there.
 */
function spreadOverReadRules(estate, total, wanted, catalog) {
  const slots = [];
  for (const account of estate.accounts) {
    for (const [region, regional] of Object.entries(account.regions)) {
      for (const rule of regional.rules) {
        rule.results = [];
        if (wanted.has(rule.identifier)) slots.push({ region, rule });
      }
    }
  }
  if (!slots.length) throw new Error('no rule of the bench estate is read by a built-in control');
  let seq = 0;
  slots.forEach(({ region, rule }, slot) => {
    const count = Math.floor(total / slots.length) + (slot < total % slots.length ? 1 : 0);
    const type = catalog[rule.identifier].resourceTypes[0];
    const at = new Date(Date.parse(estate.now) - 2 * 3600_000).toISOString();
    rule.results = Array.from({ length: count }, (_, i) => ({
      resourceType: type,
      resourceId: `${rule.identifier.toLowerCase().slice(0, 12)}-${region}-${String(i).padStart(6, '0')}`,
      compliance: ++seq % 50 === 0 ? 'NON_COMPLIANT' : 'COMPLIANT',
      recordedAt: at,
      invokedAt: at,
    }));
  });
  return estate;
}

/** Node preloaded into the CLI: on exit it writes the process's peak RSS (KiB) and CPU time (µs) where the bench reads them. */
function rssProbe(dir) {
  const probe = join(dir, 'max-rss.mjs');
  writeFileSync(probe, [
    "import { writeFileSync } from 'node:fs';",
    "process.on('exit', () => { try { const u = process.resourceUsage(); writeFileSync(process.env.SOC2_BENCH_RSS_FILE, JSON.stringify({ maxRSS: u.maxRSS, cpuMicros: u.userCPUTime + u.systemCPUTime })); } catch {} });",
    '',
  ].join('\n'));
  return probe;
}

function runChild(root, args, { cwd, env }) {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [join(root, 'bin', 'soc2.js'), ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

function sizeOf(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, name) => n + sizeOf(join(path, name)), 0);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export async function benchScale(argv = [], { log = console.log } = {}) {
  const opts = parseArgs(argv);
  const [{ startFakeGitHub }, { startFakeAwsConfig }, { benchGitHubEstate, approvedMergedPull }, { shiftDays, fakeSha }, { benchAwsEstate }, { writeSampleRepo }, { RULE_CATALOG }, { parse: parseYaml }] = await Promise.all([
    dist('sandbox/github-server.js'),
    dist('sandbox/aws-config-server.js'),
    dist('sandbox/estate/github-bench.js'),
    dist('sandbox/estate/github.js'),
    dist('sandbox/estate/aws.js'),
    dist('sandbox/estate/sample-repo.js'),
    dist('sandbox/aws-rule-catalog.js'),
    import('yaml'),
  ]);
  const work = mkdtempSync(join(tmpdir(), 'soc2-bench-scale-'));
  const t0 = performance.now();
  const github = addPulls(benchGitHubEstate(opts.repos), opts.prs, { shiftDays, fakeSha, approvedMergedPull });
  const wanted = rulesTheControlsRead(parseYaml);
  // The CLI runs on the machine's clock: the estate is dated from now, or AWS Config's evaluations would be stale gaps.
  const aws = spreadOverReadRules(benchAwsEstate({ rules: Object.keys(RULE_CATALOG).length, evaluatedResources: 0, now: new Date().toISOString() }), opts.resources, wanted, RULE_CATALOG);
  const [githubServer, awsServer] = await Promise.all([startFakeGitHub(github, { latencyMs: 0, limits: UNLIMITED }), startFakeAwsConfig(aws, { latencyMs: 0 })]);
  const generatedSeconds = (performance.now() - t0) / 1000;
  try {
    const repoDir = join(work, 'checkout');
    mkdirSync(repoDir);
    await writeSampleRepo(repoDir, { git: false });
    writeFileSync(join(work, 'soc2.config.yaml'), [
      `period: { start: ${github.period.start}, end: ${github.period.end} }`,
      `aws: { regions: [${aws.regions.join(', ')}] }`,
      `github: { org: ${github.org}, cacheDir: ${JSON.stringify(join(work, 'github-cache'))} }`,
      `repo: { path: ${JSON.stringify(repoDir)} }`,
      '',
    ].join('\n'));
    const rssFile = join(work, 'max-rss');
    const env = {
      ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(AWS_|GITHUB_|GH_|NODE_OPTIONS$)/.test(k))),
      NO_COLOR: '1',
      AWS_ENDPOINT_URL_CONFIG_SERVICE: awsServer.url,
      AWS_ENDPOINT_URL_STS: awsServer.url,
      AWS_ACCESS_KEY_ID: aws.demoCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.demoCredentials.secretAccessKey,
      AWS_REGION: aws.regions[0],
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      GITHUB_API_URL: githubServer.url,
      GITHUB_TOKEN: github.demoToken,
      // SOC2_BENCH_NODE_OPTIONS reaches the measured CLI only (e.g. --max-old-space-size=256 to see what it needs live, --heapsnapshot-near-heap-limit=1).
      NODE_OPTIONS: [`--import=${pathToFileURL(rssProbe(work)).href}`, process.env.SOC2_BENCH_NODE_OPTIONS ?? ''].join(' ').trim(),
      SOC2_BENCH_RSS_FILE: rssFile,
    };
    const out = join(work, 'soc2-report');
    log(`Scale: ${opts.repos} repositories, ${opts.prs} merged pull requests, ${opts.resources} AWS evaluation results (${aws.regions.length} regions); fakes on 127.0.0.1, no added latency; estate generated in ${generatedSeconds.toFixed(1)} s`);
    log(`  measuring             ${opts.root}`);
    const run = await runChild(opts.root, ['run', '--out', out, '--format', ALL_FORMATS], { cwd: work, env });
    if (run.code === 9 && process.env.SOC2_BENCH_NODE_OPTIONS) throw new BenchUsageError(`Node refused SOC2_BENCH_NODE_OPTIONS="${process.env.SOC2_BENCH_NODE_OPTIONS}": ${run.stderr.trim()}`);
    if (run.code !== 0 && run.code !== 1 && run.code !== 3) throw new Error(`soc2 run exited ${run.code}:\n${run.stderr}`);
    const usage = JSON.parse(readFileSync(rssFile, 'utf8'));
    const peakRssKb = usage.maxRSS;
    const cpuSeconds = usage.cpuMicros / 1e6;
    const sizes = Object.fromEntries(readdirSync(out).map((name) => [name, sizeOf(join(out, name))]));
    const rerenderOut = join(work, 'rerendered');
    const rerender = await runChild(opts.root, ['report', join(out, 'results.json'), '--out', rerenderOut, '--format', ALL_FORMATS], { cwd: work, env });
    if (rerender.code !== 0) throw new Error(`soc2 report exited ${rerender.code}:\n${rerender.stderr}`);
    const rerenderRssKb = JSON.parse(readFileSync(rssFile, 'utf8')).maxRSS;
    const ok = (b) => (b ? 'OK' : 'OVER TARGET');
    const peakMb = peakRssKb / 1024;
    log(`  soc2 run wall time    ${run.seconds.toFixed(1)} s (exit ${run.code})`);
    // The CLI's own CPU (the fakes run in this process, not the CLI's): what the run costs beside waiting on the API.
    log(`  soc2 run CPU time     ${cpuSeconds.toFixed(1)} s${opts.prs ? ` (${((cpuSeconds * 1e6) / opts.prs).toFixed(0)} µs per pull request, all work included)` : ''}`);
    log(`  soc2 run peak RSS     ${peakMb.toFixed(0)} MB   (target ≤ ${TARGETS.peakRssMb} MB) ${ok(peakMb <= TARGETS.peakRssMb)}`);
    for (const [name, bytes] of Object.entries(sizes).sort()) log(`  ${name.padEnd(29)} ${mb(bytes)}`);
    log(`  report.html           ${ok(sizes['report.html'] <= TARGETS.reportHtmlMb * 1024 * 1024)} (target ≤ ${TARGETS.reportHtmlMb} MB)`);
    log(`  re-render all formats ${rerender.seconds.toFixed(1)} s, peak RSS ${(rerenderRssKb / 1024).toFixed(0)} MB   (target ≤ ${TARGETS.rerenderSeconds} s) ${ok(rerender.seconds <= TARGETS.rerenderSeconds)}`);
    log(`  server requests       GitHub ${githubServer.stats.requests}, AWS ${awsServer.stats.requests}`);
    if (opts.keep) log(`  kept                  ${work}`);
    return { ...opts, runSeconds: run.seconds, cpuSeconds, exitCode: run.code, peakRssMb: peakMb, sizes, rerenderSeconds: rerender.seconds, rerenderPeakRssMb: rerenderRssKb / 1024 };
  } finally {
    await Promise.all([githubServer.close(), awsServer.close()]);
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchScale(process.argv.slice(2)).catch(exitOnUsageError);
}

export function exitOnUsageError(e) {
  if (!(e instanceof BenchUsageError)) throw e;
  console.error(`bench scale: ${e.message}`);
  process.exit(2);
}
