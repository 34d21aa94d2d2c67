/**
 * Pure pieces of the CC8.1 change population: reading one merged pull request's reviews (was an
 * approval by someone other than the author in force on the final commit?), the per-change row of
 * facts an auditor samples from, and its CSV form. Which facts make a deviation is the
 * controls' to say (GH-028, GH-029). No I/O and no clock here.
 */
import { csvTable } from '../../csv.js';
import type { CsvAttachment } from '../types.js';

export interface ReviewInput {
  author: string | null;
  authorIsBot: boolean;
  state: string;
  submittedAt: string | null;
  commit: string | null;
}

export interface PullInput {
  repository: string;
  number: number;
  title: string;
  url: string;
  author: string | null;
  createdAt: string;
  mergedAt: string;
  mergedBy: string | null;
  baseBranch: string;
  headCommit: string;
  mergeCommit: string | null;
  reviews: ReviewInput[];
  /** statusCheckRollup of the final commit; null when nothing ran. */
  checksState: string | null;
  /** False when the token may not read checks or statuses, so "nothing ran" cannot be told from "not shown". */
  checksReadable?: boolean;
}

export interface ChangeRow {
  kind: 'pull_request' | 'direct_commit';
  repository: string;
  /** Pull request number; null for a direct commit. */
  number: number | null;
  title: string;
  url: string;
  author: string;
  createdAt: string;
  mergedAt: string;
  mergedBy: string;
  mergeCommit: string;
  baseBranch: string;
  headCommit: string;
  /** "login APPROVED at <time> on <sha7>" for each approval, oldest first. */
  approvals: string[];
  approvedByOther: boolean;
  approvedOnFinalCommit: boolean;
  /** SUCCESS, FAILURE, … ; NONE when nothing ran; UNKNOWN when the token may not read checks. */
  checksState: string;
  /** null when the checks could not be read. */
  checksPassed: boolean | null;
}

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : '?');
const isBotLogin = (login: string | null) => !!login && /\[bot\]$/.test(login);

/**
 * The facts of one merged pull request. Latest opinion of each human reviewer other than the
 * author (COMMENTED and PENDING are not opinions); a bot's approval is listed but is no person's
 * review. GitHub keeps an approval APPROVED after new commits unless stale reviews are dismissed,
 * so the commit it was given on decides whether it covers what was merged.
 */
export function pullRequestRow(p: PullInput): ChangeRow {
  const sorted = [...p.reviews].sort((a, b) => Date.parse(a.submittedAt ?? '') - Date.parse(b.submittedAt ?? ''));
  const latest = new Map<string, ReviewInput>();
  const approvals: string[] = [];
  for (const r of sorted) {
    if (r.state === 'APPROVED') approvals.push(`${r.author ?? 'ghost'} APPROVED at ${r.submittedAt ?? '?'} on ${short(r.commit)}`);
    if (!r.author || r.author === p.author || r.authorIsBot || isBotLogin(r.author)) continue;
    if (r.state === 'APPROVED' || r.state === 'CHANGES_REQUESTED' || r.state === 'DISMISSED') latest.set(r.author, r);
  }
  const standing = [...latest.values()].filter((r) => r.state === 'APPROVED');
  const readable = p.checksReadable !== false;
  const checksState = readable ? (p.checksState ?? 'NONE') : 'UNKNOWN';
  return {
    kind: 'pull_request',
    repository: p.repository,
    number: p.number,
    title: p.title,
    url: p.url,
    author: p.author ?? 'ghost',
    createdAt: p.createdAt,
    mergedAt: p.mergedAt,
    mergedBy: p.mergedBy ?? 'ghost',
    mergeCommit: p.mergeCommit ?? '',
    baseBranch: p.baseBranch,
    headCommit: p.headCommit,
    approvals,
    approvedByOther: standing.length > 0,
    approvedOnFinalCommit: standing.some((r) => r.commit === p.headCommit),
    checksState,
    checksPassed: readable ? checksState === 'SUCCESS' : null,
  };
}

export function directCommitRow(c: { repository: string; branch: string; oid: string; committedDate: string; headline: string; author: string; checksState: string | null; checksReadable?: boolean; url: string }): ChangeRow {
  const readable = c.checksReadable !== false;
  const checksState = readable ? (c.checksState ?? 'NONE') : 'UNKNOWN';
  return {
    kind: 'direct_commit',
    repository: c.repository,
    number: null,
    title: c.headline,
    url: c.url,
    author: c.author,
    createdAt: c.committedDate,
    mergedAt: c.committedDate,
    mergedBy: c.author,
    mergeCommit: c.oid,
    baseBranch: c.branch,
    headCommit: c.oid,
    approvals: [],
    approvedByOther: false,
    approvedOnFinalCommit: false,
    checksState,
    checksPassed: readable ? checksState === 'SUCCESS' : null,
  };
}

export function rowId(r: ChangeRow): string {
  return r.kind === 'pull_request' ? `${r.repository}#${r.number}` : `${r.repository}@${r.headCommit.slice(0, 12)}`;
}

const CSV_COLUMNS: Array<[string, (r: ChangeRow) => string]> = [
  ['id', rowId],
  ['kind', (r) => r.kind],
  ['repository', (r) => r.repository],
  ['number', (r) => (r.number === null ? '' : String(r.number))],
  ['url', (r) => r.url],
  ['title', (r) => r.title],
  ['author', (r) => r.author],
  ['created_at', (r) => r.createdAt],
  ['merged_at', (r) => r.mergedAt],
  ['merged_by', (r) => r.mergedBy],
  ['merge_commit', (r) => r.mergeCommit],
  ['base_branch', (r) => r.baseBranch],
  ['head_commit', (r) => r.headCommit],
  ['approvals', (r) => r.approvals.join('; ')],
  ['approved_by_other', (r) => String(r.approvedByOther)],
  ['approved_on_final_commit', (r) => String(r.approvedOnFinalCommit)],
  ['checks_state', (r) => r.checksState],
];

/** The change population as CSV, a row per change, for sampling in a spreadsheet; the evidence file keeps every value byte for byte. */
export const CHANGE_POPULATION_CSV: CsvAttachment<ChangeRow> = {
  name: 'change-population.csv',
  header: CSV_COLUMNS.map(([h]) => h),
  row: (r) => CSV_COLUMNS.map(([, f]) => f(r)),
};

/** The whole CSV of some rows (what the streamed attachment holds for them). */
export function toCsv(rows: ChangeRow[]): string {
  return csvTable(CHANGE_POPULATION_CSV.header, rows.map(CHANGE_POPULATION_CSV.row));
}
