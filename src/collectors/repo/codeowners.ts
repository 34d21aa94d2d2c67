/**
 * repo.codeowners — is there a CODEOWNERS file GitHub will use, is every line of it valid, and does
 * a catch-all rule give every file an owner? Patterns are matched by GitHub's rules
 * (codeowners-match.ts): `/*` covers top-level files only, so only `*`, `**`, `/**` and the like
 * are catch-alls. Each tracked file is matched too, so the evidence lists the files no rule gives
 * an owner (the last matching rule decides, and a rule with no owners takes ownership away).
 * Owners are checked for form only: whether @user or @org/team exists (and has write access) is
 * only known to GitHub.
 */
import { z } from 'zod';
import type { Collector, Evidence, Gap } from '../types.js';
import { EvidenceBuilder } from '../evidence-builder.js';
import { compileCodeownersPattern, isCatchAll, type CodeownersPattern } from './codeowners-match.js';
import { dirGaps, findAll, loadRepo, readGap, readRepoFile, repoFacts } from './files.js';

/** GitHub reads the first of these it finds, in this order, and ignores the others. */
export const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

/** GitHub ignores a CODEOWNERS file over 3 MB. */
const MAX_CODEOWNERS_BYTES = 3 * 1024 * 1024;
/** Files without an owner listed by name; the count stays exact beyond it. */
const MAX_LISTED = 200;

const params = z.strictObject({});

const invalidLine = z.object({
  summary: z.string().describe('line and reason'),
  line: z.number().describe('line number'),
  text: z.string().describe('line text'),
  reason: z.string().describe('why the line is invalid'),
});

const resource = z.object({
  codeownersPresent: z.boolean().describe('CODEOWNERS file present'),
  codeownersPath: z.string().nullable().describe('CODEOWNERS file in effect'),
  ignoredCodeownersFiles: z.array(z.string()).describe('CODEOWNERS files GitHub ignores because another one takes precedence'),
  ruleCount: z.number().describe('CODEOWNERS rules'),
  owners: z.array(z.string()).describe('owners named in CODEOWNERS'),
  invalidLines: z.array(invalidLine).describe('invalid CODEOWNERS lines'),
  invalidLineCount: z.number().describe('number of invalid CODEOWNERS lines'),
  linesWithoutOwners: z.array(z.object({ summary: z.string().describe('line and pattern'), line: z.number().describe('line number'), pattern: z.string().describe('pattern') }))
    .describe('CODEOWNERS patterns that name no owner (files they match have no code owner)'),
  hasCatchAllRule: z.boolean().describe('catch-all (*) CODEOWNERS rule present'),
  catchAllLine: z.number().nullable().describe('line of the last catch-all rule'),
  catchAllOwners: z.array(z.string()).describe('owners of the catch-all rule'),
  filesWithoutOwner: z.array(z.string()).describe('tracked files no CODEOWNERS rule gives an owner (the first 200)'),
  filesWithoutOwnerCount: z.number().describe('tracked files no CODEOWNERS rule gives an owner'),
});

export type CodeownersParams = z.infer<typeof params>;
export type CodeownersResource = z.infer<typeof resource>;

// GitHub logins: letters, digits and hyphens; Enterprise Managed Users add `_shortcode`.
const LOGIN = '[A-Za-z0-9](?:[A-Za-z0-9_-]{0,98}[A-Za-z0-9])?';
const USER = new RegExp(`^@${LOGIN}$`);
const TEAM = new RegExp(`^@${LOGIN}/[A-Za-z0-9][A-Za-z0-9._-]*$`);
const EMAIL = /^[A-Za-z0-9.!#$%&'*+=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
export function isValidOwner(owner: string): boolean {
  return USER.test(owner) || TEAM.test(owner) || EMAIL.test(owner);
}

/** Splits on unescaped whitespace; `\ ` keeps a space inside a pattern. */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  let current = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\' && i + 1 < line.length) {
      current += ch + line[i + 1];
      i++;
    } else if (ch === ' ' || ch === '\t') {
      if (current) tokens.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (current) tokens.push(current);
  return tokens;
}

export interface ParsedCodeowners {
  /** Valid rules in file order: the last one whose pattern matches a file decides its owners. */
  rules: Array<{ line: number; pattern: CodeownersPattern; owners: string[] }>;
  ruleCount: number;
  owners: string[];
  invalidLines: Array<{ summary: string; line: number; text: string; reason: string }>;
  linesWithoutOwners: Array<{ summary: string; line: number; pattern: string }>;
  catchAll: { line: number; owners: string[] } | null;
}

/** Parses CODEOWNERS text with the syntax GitHub accepts (a subset of gitignore's). */
export function parseCodeowners(text: string): ParsedCodeowners {
  const out: ParsedCodeowners = { rules: [], ruleCount: 0, owners: [], invalidLines: [], linesWithoutOwners: [], catchAll: null };
  const owners = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const tokens = tokenize(trimmed);
    const commentAt = tokens.findIndex((t, i) => i > 0 && t.startsWith('#'));
    const [pattern, ...lineOwners] = commentAt === -1 ? tokens : tokens.slice(0, commentAt);
    if (pattern === undefined) return;
    const invalid = (reason: string) => out.invalidLines.push({ summary: `line ${line}: ${reason}`, line, text: trimmed, reason });
    // The three gitignore features GitHub documents as unsupported in CODEOWNERS.
    if (pattern.startsWith('!')) return void invalid('negated patterns (!) are not supported in CODEOWNERS');
    if (/[[\]]/.test(pattern)) return void invalid('character ranges ([ ]) are not supported in CODEOWNERS');
    if (pattern.startsWith('\\#')) return void invalid('escaping # at the start of a pattern is not supported in CODEOWNERS');
    const bad = lineOwners.filter((o) => !isValidOwner(o));
    if (bad.length > 0) {
      return void invalid(`${bad.map((o) => `"${o}"`).join(', ')} ${bad.length === 1 ? 'is' : 'are'} not @user, @org/team or an email address`);
    }
    out.ruleCount++;
    out.rules.push({ line, pattern: compileCodeownersPattern(pattern), owners: lineOwners });
    if (lineOwners.length === 0) {
      out.linesWithoutOwners.push({ summary: `line ${line}: ${pattern}`, line, pattern });
      return;
    }
    for (const o of lineOwners) owners.add(o);
    // GitHub applies the last matching rule, so the last catch-all is the one that counts.
    if (isCatchAll(pattern)) out.catchAll = { line, owners: lineOwners };
  });
  out.owners = [...owners].sort();
  return out;
}

/** Tracked files whose last matching rule names no owner, or that no rule matches. */
export function filesWithoutOwner(rules: ParsedCodeowners['rules'], files: readonly string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    let owned = false;
    const segments = file.split('/');
    for (let i = rules.length - 1; i >= 0; i--) {
      const rule = rules[i]!;
      if (rule.pattern.matches(file, segments)) {
        owned = rule.owners.length > 0;
        break;
      }
    }
    if (!owned) out.push(file);
  }
  return out;
}

export const collector: Collector<'repo', CodeownersParams, CodeownersResource> = {
  id: 'repo.codeowners',
  source: 'repo',
  description: 'Finds the CODEOWNERS file GitHub uses (.github/, root or docs/), checks every line is a pattern with owners of a valid form, and whether a catch-all rule exists.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  // Invalid lines and lines without owners carry their line in the CODEOWNERS file.
  locate: { resource: (d) => (d.codeownersPath ? { file: d.codeownersPath } : undefined) },
  example: `collector: repo.codeowners
params: {}
assert:
  all:
    - { key: codeownersPresent, op: eq, value: true }
    - { key: invalidLineCount, op: eq, value: 0 }
    - { key: hasCatchAllRule, op: eq, value: true, message: a catch-all (*) rule so every file has an owner }
`,
  async collect(ctx): Promise<Evidence<CodeownersResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap, ['.', '.github', 'docs']);
    const found = findAll(snap, CODEOWNERS_LOCATIONS);
    const data: CodeownersResource = {
      codeownersPresent: false,
      codeownersPath: null,
      ignoredCodeownersFiles: found.slice(1),
      ruleCount: 0,
      owners: [],
      invalidLines: [],
      invalidLineCount: 0,
      linesWithoutOwners: [],
      hasCatchAllRule: false,
      catchAllLine: null,
      catchAllOwners: [],
      filesWithoutOwner: [],
      filesWithoutOwnerCount: 0,
    };
    const path = found[0];
    // Until a CODEOWNERS file GitHub uses says otherwise, no file has an owner.
    data.filesWithoutOwnerCount = snap.files.length;
    data.filesWithoutOwner = snap.files.slice(0, MAX_LISTED);
    if (path !== undefined) {
      data.codeownersPresent = true;
      data.codeownersPath = path;
      const read = await readRepoFile(ctx, path, { maxBytes: MAX_CODEOWNERS_BYTES, calls });
      if (read.ok) {
        const parsed = parseCodeowners(read.binary ? '' : read.text);
        data.ruleCount = parsed.ruleCount;
        data.owners = parsed.owners;
        data.invalidLines = parsed.invalidLines;
        data.linesWithoutOwners = parsed.linesWithoutOwners;
        data.hasCatchAllRule = parsed.catchAll !== null;
        data.catchAllLine = parsed.catchAll?.line ?? null;
        data.catchAllOwners = parsed.catchAll?.owners ?? [];
        const unowned = filesWithoutOwner(parsed.rules, snap.files);
        data.filesWithoutOwnerCount = unowned.length;
        data.filesWithoutOwner = unowned.slice(0, MAX_LISTED);
      } else if (read.reason === 'too-large') {
        const reason = `the file is ${read.bytes} bytes; GitHub ignores a CODEOWNERS file over 3 MB`;
        data.invalidLines = [{ summary: reason, line: 0, text: '', reason }];
      } else {
        gaps.push(readGap(snap, read));
        data.filesWithoutOwnerCount = 0;
        data.filesWithoutOwner = [];
      }
      data.invalidLineCount = data.invalidLines.length;
    }
    return new EvidenceBuilder<typeof data>().addCalls(calls).addGaps(gaps).withFacts(repoFacts(snap)).add({ id: snap.name, data }).build();
  },
};
