/**
 * `soc2 merge PARTS… --out DIR`: joins the report directories of `soc2 run --shard 1/n … n/n`
 * into one run — one results.json, every report, the evidence of every shard and one attestation
 * (signed with --sign or SOC2_SIGNING_KEY). Each part is verified against its own attestation
 * first, as `soc2 verify` would (an unsigned or unchecked part needs --allow-unsigned), and every
 * file is read back against the digest its statement gives, so nothing edited after a shard ran
 * reaches the joined run. Exit codes are a run's (0, 1, 3) for the joined run, 1 when a part does
 * not verify, and 2 when the parts do not belong together.
 */
import { randomUUID } from 'node:crypto';
import { join, relative, resolve } from 'node:path';
import { ATTESTATION_FILE, sha256Hex } from '../../evidence/attestation.js';
import { parseEnvelope } from '../../evidence/dsse.js';
import { loadVerifyKey, type VerifyKey } from '../../evidence/keys.js';
import { stageReport } from '../../evidence/out-dir.js';
import { joinEvidence, type PartEvidence } from '../../evidence/join-evidence.js';
import { bundleNote, finishReport, prepareBundle, runAttestationFor, statementDigestOf } from '../../evidence/run-bundle.js';
import { parseStatement } from '../../evidence/statement.js';
import { verifyBundle } from '../../evidence/verify-bundle.js';
import { checkParts, joinResults, type ShardPart } from '../../engine/shard-merge.js';
import { Soc2Error, UsageError } from '../../errors.js';
import { InputFileError, MAX_MANIFEST_BYTES, MAX_RESULTS_BYTES, readInputFile } from '../../input-file.js';
import { printableLine, printableText } from '../../printable.js';
import { DEFAULT_FORMATS, renderers } from '../../reports/index.js';
import { parseResults, type Results } from '../../results.js';
import { presentRun } from '../run-output.js';
import { undoOnInterrupt } from '../signals.js';
import { parseFormats } from './run.js';

export interface MergeCommandOptions {
  out: string;
  format: string;
  key?: string;
  allowUnsigned?: boolean;
  sign?: string;
  quiet?: boolean;
  json?: boolean;
}

/** A part that does not verify against its own attestation: exit 1, as `soc2 verify`. */
class PartNotVerified extends Soc2Error {
  readonly code = 'SOC2_EVIDENCE_MODIFIED';
  readonly exitCode = 1;
}

interface ReadPart {
  part: ShardPart;
  evidence: Map<string, Buffer>;
  /** Report formats the part wrote (their file names are among its subjects). */
  formats: Array<keyof typeof renderers>;
}

export async function mergeCommand(dirs: string[], opts: MergeCommandOptions): Promise<void> {
  const cwd = process.cwd();
  const extraFormats = parseFormats(opts.format);
  const publicKey = opts.key === undefined ? undefined : loadVerifyKey(opts.key);
  const bundle = await prepareBundle({ signKeyFile: opts.sign, env: process.env });
  const outDir = resolve(cwd, opts.out);
  const clash = dirs.find((d) => resolve(cwd, d) === outDir);
  if (clash) throw new UsageError(`--out ${opts.out} is also one of the parts (${clash}): the joined run would replace a shard it is made from.`, 'Write the joined run to a directory of its own, e.g. --out soc2-report.');

  const read = dirs.map((d) => readPart(d, resolve(cwd, d), publicKey, opts.allowUnsigned === true));
  const ordered = checkParts(read.map((r) => r.part));
  if (!opts.quiet && ordered.some((p) => p.results.dataHandling?.minimised)) {
    // Each run hashes with a key of its own that it does not keep.
    process.stderr.write('soc2: warning: the shards ran with --minimize-pii, each with its own key: the same person has a different pseudonym in each shard\'s findings and evidence.\n');
  }
  const byPart = new Map(read.map((r) => [r.part, r]));
  const runId = randomUUID();
  const evidence = joinEvidence(ordered.map((p): PartEvidence => ({
    shard: p.results.run.shard!.index,
    files: byPart.get(p)!.evidence,
    refs: p.results.controls.flatMap((c) => c.evidence),
  })), runId);
  let results = joinResults({ parts: ordered, runId, evidence: evidence.refs });

  const rel = relative(cwd, outDir);
  const display = rel === '' ? '.' : rel.startsWith('..') ? outDir : rel;
  const staged = stageReport(outDir, { cwd, shown: display });
  const previous = staged.replacesPrevious ? statementDigestOf(outDir) : null;
  const stopUndo = undoOnInterrupt(() => {
    staged.discard();
    return staged.replacesPrevious ? `the previous report in ${join(display, '/')} is unchanged` : `no report was written to ${join(display, '/')}`;
  });
  const formats = [...new Set([...DEFAULT_FORMATS, ...read.flatMap((r) => r.formats), ...extraFormats])];
  const files: string[] = [];
  try {
    for (const [path, bytes] of evidence.files) staged.write(path, bytes);
    results = { ...results, run: { ...results.run, attestation: runAttestationFor(bundle, previous) } };
    for (const f of formats) {
      const r = renderers[f];
      staged.write(r.fileName, r.render(results));
      files.push(r.fileName);
    }
    await finishReport(staged, results, bundle, outDir, (m) => {
      if (!opts.quiet) process.stderr.write(`soc2: warning: ${printableText(m)}\n`);
    });
  } finally {
    stopUndo();
    staged.discard();
  }
  const shown = ['report.html', 'report.md', ...files.filter((f) => f !== 'report.html' && f !== 'report.md')].filter((f) => files.includes(f));
  const run = presentRun(results, {
    cwd,
    reportDir: display,
    files: [...shown.map((f) => join(display, f)), join(display, 'evidence/'), join(display, ATTESTATION_FILE)],
    failOn: results.run.failOn,
    quiet: opts.quiet === true,
    json: opts.json === true,
    ciEnv: process.env,
    notes: [
      `Merged: shards ${ordered.map((p) => p.results.run.shard!.index).join(', ')} of ${ordered.length}, each verified against its attestation (${signatureWords(ordered)}).`,
      ...bundleNote(results, bundle, display, undefined),
    ],
  });
  process.exitCode = run.exitCode;
}

function signatureWords(parts: readonly ShardPart[]): string {
  const states = new Set(parts.map((p) => p.signature.state));
  if (states.size === 1 && states.has('verified')) return 'signatures checked';
  return `signatures: ${parts.map((p) => `${p.results.run.shard!.index} ${p.signature.state}`).join(', ')}`;
}

/**
 * One part: verified as `soc2 verify` would, then read file by file against its statement, so a
 * file replaced between the check and the read is caught too.
 */
function readPart(label: string, dir: string, publicKey: VerifyKey | undefined, allowUnsigned: boolean): ReadPart {
  const v = verifyBundle(dir, { publicKey, allowUnsigned });
  if (!v.ok) {
    throw new PartNotVerified(
      `${label} does not verify, so it is not merged: ${v.problems.length} problem${v.problems.length === 1 ? '' : 's'}.\n${v.problems.map((p) => `  ${p.kind.padEnd(11)} ${printableLine(p.message)}`).join('\n')}`,
      v.signature.state === 'unsigned' || v.signature.state === 'not-checked'
        ? 'Pass --key with the signer\'s public key, or --allow-unsigned to merge parts whose signature is not checked (their files are still checked).'
        : 'Use the shard\'s report exactly as its job wrote it (download the artefact again), or run that shard again.',
    );
  }
  const payload = readStatementPayload(label, dir);
  const statement = parseStatement(payload);
  if (!statement.ok) throw new PartNotVerified(`${label}: ${ATTESTATION_FILE} changed while it was being merged (${statement.problem}).`, 'Run soc2 merge again on an unchanged copy.');
  const evidence = new Map<string, Buffer>();
  const formats: Array<keyof typeof renderers> = [];
  const reportFiles = new Map(Object.entries(renderers).map(([format, r]) => [r.fileName as string, format as keyof typeof renderers]));
  let resultsBytes: Buffer | undefined;
  for (const s of statement.subjects) {
    const bytes = readInputFile(join(dir, s.name), { display: `${label}/${s.name}`, maxBytes: MAX_RESULTS_BYTES, what: 'report file' });
    if (sha256Hex(bytes) !== s.sha256) throw new PartNotVerified(`${label}/${s.name} changed after it was verified (its SHA-256 no longer matches the statement).`, 'Run soc2 merge again on an unchanged copy.');
    if (s.name === renderers.json.fileName) resultsBytes = bytes;
    else if (reportFiles.has(s.name)) formats.push(reportFiles.get(s.name)!);
    else evidence.set(s.name, bytes);
  }
  if (!resultsBytes) throw new UsageError(`${label} has no ${renderers.json.fileName} among the files its attestation lists: it is not a soc2 run's report.`, 'Pass the directories written by soc2 run --shard i/n.');
  const results = parsePartResults(label, resultsBytes);
  const signature = v.signature.state === 'verified' ? { state: 'verified' as const, keyid: v.signature.keyid } : { state: v.signature.state === 'unsigned' ? 'unsigned' as const : 'not-checked' as const };
  return { part: { label, results, statementSha256: sha256Hex(payload), signature }, evidence, formats };
}

function readStatementPayload(label: string, dir: string): Buffer {
  let text: string;
  try {
    text = readInputFile(join(dir, ATTESTATION_FILE), { display: `${label}/${ATTESTATION_FILE}`, maxBytes: MAX_MANIFEST_BYTES, what: 'attestation' }).toString('utf8');
  } catch (e) {
    if (e instanceof InputFileError) throw new PartNotVerified(`${label}/${ATTESTATION_FILE} could not be read after it was verified: ${e.issue.message}`, 'Run soc2 merge again on an unchanged copy.');
    throw e;
  }
  let parsed: ReturnType<typeof parseEnvelope>;
  try {
    parsed = parseEnvelope(JSON.parse(text));
  } catch {
    parsed = { ok: false, problem: 'it is not JSON' };
  }
  if (!parsed.ok) throw new PartNotVerified(`${label}/${ATTESTATION_FILE} changed after it was verified (${parsed.problem}).`, 'Run soc2 merge again on an unchanged copy.');
  return parsed.payload;
}

function parsePartResults(label: string, bytes: Buffer): Results {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new UsageError(`${label}/results.json is not JSON (${(e as Error).message}).`, 'Pass the directories written by soc2 run --shard i/n.');
  }
  const parsed = parseResults(value);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new UsageError(
      `${label}/results.json is not results this soc2 can merge (${printableLine(`${first.path.join('.') || 'top level'}: ${first.message}`)}).`,
      'Run the shards and soc2 merge with the same soc2 version.',
    );
  }
  return parsed.data;
}
