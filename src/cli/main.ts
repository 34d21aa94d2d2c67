/**
 * The soc2 command line: parse argv, dispatch to lazily imported commands, map errors to exit
 * codes (0 ok · 1 a control fails · 2 usage/config/control error · 3 a control errored · 4 bug).
 * Only commander is imported eagerly, so `soc2 --help` and `--version` start fast.
 */
import { Command, CommanderError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import { handleSignals } from './signals.js';
import { printableText } from '../printable.js';
import { addSourceFlags } from './source-flags.js';

function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const FAIL_ON = ['critical', 'high', 'medium', 'low'];

export function buildProgram(): Command {
  const program = new Command('soc2')
    .description('Automate a SOC 2 security checklist: collect evidence from AWS Config, GitHub and this repository, decide every control, and write reports for auditors and CI.')
    .version(version(), '-V, --version')
    .option('--debug', 'print stack traces for unexpected errors')
    .showSuggestionAfterError(true)
    // Before any subcommand is added, so they inherit it: usage errors become exit 2, not 1.
    .exitOverride()
    // Commander echoes what it could not parse; arguments can hold escape sequences too.
    .configureOutput({ outputError: (text, write) => write(printableText(text)) })
    .configureHelp({ sortSubcommands: false })
    .addHelpText('after', `
Exit codes:
  0  nothing fails at or above --fail-on and nothing errored
  1  a control fails at or above --fail-on (with --baseline: a failure that is new)
  2  usage, configuration or control definition error (nothing was collected)
  3  no such failure, but some control ended in error (evidence incomplete)
  4  internal error (a bug in soc2)
  130, 143  interrupted (SIGINT, SIGTERM); the previous report is left as it was
  (verify and decrypt: 0 verified or decrypted, 1 does not verify or the file is damaged, 2 usage)

Quick start:
  soc2 demo            run everything against the bundled sample estate
  soc2 init            write a starter soc2.config.yaml
  soc2 run             assess the systems in soc2.config.yaml

For the auditor:
  soc2 run --sign KEY --encrypt-to age1…     sign the run's attestation, and encrypt a copy to the auditor
  soc2 verify DIR --key SIGNER.pub           check a signed report directory offline
  soc2 decrypt FILE -i KEYFILE -o DIR        open a bundle encrypted to you with age
  soc2 sample FILE.csv --size N --seed S     draw a sample anyone can re-draw`);

  const run = program
    .command('run')
    .description('collect evidence, decide every control and write the reports')
    .option('-c, --config <file>', 'configuration file (default: ./soc2.config.yaml if present)')
    .option('-o, --out <dir>', 'report directory', 'soc2-report')
    .addOption(new Option('--fail-on <severity>', 'lowest severity whose failure makes the exit code 1').choices(FAIL_ON).default('low'))
    .option('-f, --format <formats>', 'extra report formats, comma-separated (sarif, oscal, findings-csv)', '')
    .option('--only <ids>', 'run only these control ids, comma-separated');
  addSourceFlags(run)
    .option('--history <dir>', 'record the run in this history folder (created if absent) and add the period coverage to the reports')
    .option('--baseline <results>', 'gate only on failures that are new relative to this results.json or report folder')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--json', 'print one JSON summary object on stdout instead of the summary')
    .option('--sign <keyfile>', 'sign the attestation with this Ed25519 private key (from soc2 keygen); default: the key in SOC2_SIGNING_KEY, else unsigned')
    .option('--encrypt-to <recipient>', 'also write OUT.tar.age, the report encrypted with age to this recipient (age1…); repeat for several', (v: string, prev: string[] = []) => [...prev, v])
    .option('--encrypt-only', 'with --encrypt-to: write only OUT.tar.age, no plaintext report directory')
    .option('--minimize-pii', 'replace e-mail addresses, logins, names and IAM user names in evidence and reports with keyed hashes')
    .option('--shard <i/n>', 'evaluate part i of n of the scope (repositories, AWS regions; organisation-level controls in part 1); join the parts with soc2 merge')
    .action(async (opts) => (await import('./commands/run.js')).runCommand(opts));

  program
    .command('demo')
    .description('run the whole pipeline against the bundled sample estate (fake AWS Config and GitHub on 127.0.0.1)')
    .option('-o, --out <dir>', 'report directory', 'soc2-demo-report')
    .addOption(new Option('--fail-on <severity>', 'threshold used for the exit code it reports').choices(FAIL_ON).default('low'))
    .option('--strict-exit', 'exit with the run\'s real exit code (the seeded failures make it 1) instead of 0')
    .option('--baseline <results>', 'compare with this results.json or report folder: only new failures count for the exit code')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--json', 'print one JSON summary object on stdout instead of the summary')
    .action(async (opts) => (await import('./commands/demo.js')).demoCommand(opts));

  const controls = program.command('controls').description('validate, list and explain control definitions');
  controls
    .command('validate [paths...]')
    .description('check control files completely without collecting anything (exit 0 or 2)')
    .option('-c, --config <file>', 'configuration file whose controls.paths to use when no paths are given')
    .action(async (paths: string[], opts) => (await import('./commands/controls.js')).validateCommand(paths, opts));
  controls
    .command('list [paths...]')
    .description('list controls: id, criteria, severity, collector, type')
    .option('--json', 'print JSON instead of a table')
    .option('-c, --config <file>', 'configuration file whose controls.paths to use when no paths are given')
    .action(async (paths: string[], opts) => (await import('./commands/controls.js')).listCommand(paths, opts));
  controls
    .command('show <id>')
    .description('explain one control in plain language')
    .option('-c, --config <file>', 'configuration file whose controls.paths to use')
    .action(async (id: string, opts) => (await import('./commands/controls.js')).showCommand(id, opts));
  controls
    .command('collectors')
    .description('list the evidence collectors controls can name, with their parameters and fields')
    .action(async () => (await import('./commands/controls.js')).collectorsCommand());

  program
    .command('init')
    .description('write a commented starter soc2.config.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (opts) => (await import('./commands/init.js')).initCommand(opts));

  addSourceFlags(program
    .command('permissions')
    .description('print the least-privilege IAM policy and GitHub token permissions the controls in scope need')
    .option('-c, --config <file>', 'configuration file')
    .option('--json', 'print JSON only'))
    .action(async (opts) => (await import('./commands/permissions.js')).permissionsCommand(opts));

  program
    .command('report <results>')
    .description('re-render reports from a results.json')
    .option('-o, --out <dir>', 'directory for the reports (default: beside results.json)')
    .option('-f, --format <formats>', 'formats, comma-separated (markdown,html,junit,sarif,json,oscal,findings-csv)', 'markdown,html,junit')
    .action(async (file: string, opts) => (await import('./commands/report.js')).reportCommand(file, opts));

  const history = program
    .command('history')
    .description('summarise a history folder over a review period: runs, share passing, failures and gaps per control')
    .argument('<dir>', 'the history folder `soc2 run --history` writes')
    .option('--period <start..end>', 'review period, e.g. 2026-01-01..2026-03-31 (default: the newest run\'s period)')
    .addOption(new Option('--format <format>', 'output format').choices(['markdown', 'json']).default('markdown'))
    .action(async (dir: string, opts) => (await import('./commands/history.js')).historyCommand(dir, opts));
  history
    .command('verify')
    .description('check that no record of a history folder was removed, reordered, edited or replaced (exit 0 intact, 1 broken)')
    .argument('<dir>', 'the history folder')
    .option('--head <sha256>', 'the newest record\'s SHA-256 noted earlier: also fail when that record is no longer in the chain')
    .action(async (dir: string, opts) => (await import('./commands/history.js')).historyVerifyCommand(dir, opts));

  program
    .command('keygen')
    .description('write an Ed25519 key pair for signing attestations: PREFIX.key (private, mode 0600) and PREFIX.pub')
    .option('-o, --out <prefix>', 'path prefix of the two key files', 'soc2-signing')
    .option('--force', 'replace existing key files')
    .action(async (opts) => (await import('./commands/keygen.js')).keygenCommand(opts));

  program
    .command('diff <old> <new>')
    .description('compare two runs (results.json files or report folders): new failures, fixed, still failing, newly in error')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .action(async (oldRun: string, newRun: string, opts) => (await import('./commands/diff.js')).diffCommand(oldRun, newRun, opts));

  program
    .command('merge <parts...>')
    .description('join the report directories of soc2 run --shard 1/n … n/n into one run: one results.json, every report, the evidence and one attestation')
    .requiredOption('-o, --out <dir>', 'report directory for the joined run')
    .option('-f, --format <formats>', 'extra report formats, comma-separated (sarif, oscal, findings-csv)', '')
    .option('-k, --key <pub>', 'public key (PEM) every part\'s attestation must be signed with')
    .option('--allow-unsigned', 'accept parts whose attestation is not signed (or not checked: no --key); the files are still checked')
    .option('--sign <keyfile>', 'sign the joined run\'s attestation with this Ed25519 private key; default: the key in SOC2_SIGNING_KEY, else unsigned')
    .option('-q, --quiet', 'print nothing but errors')
    .option('--json', 'print one JSON summary object on stdout instead of the summary')
    .action(async (parts: string[], opts) => (await import('./commands/merge.js')).mergeCommand(parts, opts));

  program
    .command('verify [dir]')
    .description('check a report directory offline: the signature, every attested file, and no file added (exit 0 verified, 1 not, 2 usage)')
    .option('-k, --key <pub>', 'public key (PEM) the attestation must be signed with')
    .option('--allow-unsigned', 'accept a bundle without a checked signature; the result says it is unsigned')
    .action(async (dir: string | undefined, opts) => (await import('./commands/verify.js')).verifyCommand(dir ?? 'soc2-report', opts));

  program
    .command('encrypt <dir>')
    .description('encrypt a report directory with age to the auditor\'s public key (a deterministic tar inside; no plaintext copy is written)')
    .requiredOption('-r, --to <recipient>', 'age recipient (age1…); repeat for several', (v: string, prev: string[] = []) => [...prev, v])
    .option('-o, --out <file>', 'encrypted file (default: DIR.tar.age)')
    .option('--force', 'replace an existing encrypted file')
    .action(async (dir: string, opts) => (await import('./commands/encrypt.js')).encryptCommand(dir, opts));

  program
    .command('decrypt <file>')
    .description('decrypt an age-encrypted bundle into a new directory (no paths outside it, no links, nothing overwritten)')
    .requiredOption('-i, --identity <keyfile>', 'age identity file (AGE-SECRET-KEY-1…)')
    .requiredOption('-o, --out <dir>', 'directory to create (must not exist, or be empty)')
    .action(async (file: string, opts) => (await import('./commands/decrypt.js')).decryptCommand(file, opts));

  program
    .command('sample <population>')
    .description('draw a reproducible random sample of a population CSV (same file and seed, same rows, on any machine)')
    .option('-n, --size <n>', 'number of rows to draw')
    .option('-s, --seed <seed>', 'whole number from 0 to 2^64-1, chosen by whoever draws the sample')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'csv', 'json']).default('text'))
    .action(async (file: string, opts) => (await import('./commands/sample.js')).sampleCommand(file, opts));

  return program;
}

/**
 * The AWS SDK warns on every run that future versions will need Node 22. It is not actionable for
 * a soc2 user and would bury the summary; every other warning is still printed.
 */
function quietSdkNodeVersionWarning(): void {
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name === 'NodeVersionSupportWarning' || /NodeVersionSupportWarning/.test(w.message)) return;
    process.stderr.write(`(node) ${w.name}: ${w.message}\n`);
  });
}

export async function main(argv: string[]): Promise<void> {
  quietSdkNodeVersionWarning();
  handleSignals();
  const program = buildProgram();
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv);
  } catch (e) {
    process.exitCode = await exitCodeForError(e, debug);
  }
}

export async function exitCodeForError(e: unknown, debug: boolean): Promise<number> {
  if (e instanceof CommanderError) {
    // help and version are "errors" to commander; they already printed.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  const [{ Soc2Error }, { redactString }] = await Promise.all([import('../errors.js'), import('../evidence/redact.js')]);
  // Messages may carry what an API answered; they pass the same redactor as the evidence.
  // Messages quote file names, keys and values from the user's files and what an API answered:
  // printed, never obeyed, and through the same redactor as the evidence.
  const say = (text: string) => process.stderr.write(`${printableText(redactString(text))}\n`);
  if (e instanceof Soc2Error) {
    say(`soc2: ${e.message}`);
    if (e.remediation) say(e.remediation);
    if (debug && e.stack) say(e.stack);
    return e.exitCode;
  }
  // Anything else is a bug in soc2 (exit 4), never blamed on the user's input.
  const err = e as Error;
  say(`soc2: internal error: ${err?.message ?? String(e)}`);
  say('This is a bug in soc2, not in your configuration. Please report it with the command you ran and the output of --debug.');
  if (debug && err?.stack) say(err.stack);
  return 4;
}
