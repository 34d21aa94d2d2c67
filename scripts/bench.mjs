// `npm run bench`: measurements the issues set targets for. Prints figures; never a pass/fail test.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The AWS SDK's Node 20 support notice is noise in a benchmark's output; other warnings still print.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name !== 'NodeVersionSupportWarning' && !/NodeVersionSupportWarning/.test(w.message)) console.warn(`(node) ${w.name}: ${w.message}`);
});

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timeCommand(args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'ignore' });
    const t1 = process.hrtime.bigint();
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    times.push(Number(t1 - t0) / 1e6);
  }
  return median(times);
}

function benchColdStart() {
  const runs = Number(process.env.BENCH_RUNS ?? 21);
  // Interleave warm-up so both commands see the same file-system cache state.
  timeCommand(['-e', '0'], 3);
  timeCommand(['bin/soc2.js', '--version'], 3);
  const node = timeCommand(['-e', '0'], runs);
  const soc2 = timeCommand(['bin/soc2.js', '--version'], runs);
  const ratio = soc2 / node;
  console.log('Cold start (median of %d runs)', runs);
  console.log(`  node -e 0              ${node.toFixed(1)} ms`);
  console.log(`  soc2 --version         ${soc2.toFixed(1)} ms`);
  console.log(`  ratio                  ${ratio.toFixed(2)}x   (target ≤ 2.0x) ${ratio <= 2 ? 'OK' : 'OVER TARGET'}`);
  return { node, soc2, ratio };
}

const only = process.argv[2];
const results = {};
if (!only || only === 'startup') results.startup = benchColdStart();
for (const [name, file, fn] of [['aws', 'scripts/bench/aws.mjs', 'benchAws'], ['github', 'scripts/bench/github.mjs', 'benchGitHub'], ['repo', 'scripts/bench/repo.mjs', 'benchRepo']]) {
  if (only && only !== name) continue;
  if (!existsSync(join(root, file))) continue;
  console.log('');
  const mod = await import(join(root, file));
  results[name] = await mod[fn]();
}
// The scale bench takes minutes at full size: it runs only when asked for, with its own flags.
if (only === 'scale') {
  const { benchScale, exitOnUsageError } = await import(join(root, 'scripts/bench/scale.mjs'));
  results.scale = await benchScale(process.argv.slice(3)).catch(exitOnUsageError);
}
