/**
 * --minimize-pii: people's identifiers in evidence and reports become stable keyed hashes, so an
 * auditor can still see that the same person approved two changes, but not who.
 *
 * What is replaced:
 * - e-mail addresses, anywhere in evidence and results (`email-<hash>`);
 * - IAM user names in ARNs (`arn:aws:iam::123456789012:user/<hash>`) and the session name of an
 *   assumed role (often a person's e-mail in SSO), and the names of AWS::IAM::User resources;
 * - GitHub logins and commit author names: learned from the fields collectors put people in
 *   (author, mergedBy, login, owners, members, outside collaborators, approvals, …), the login
 *   the token acts as, and who attested manual evidence; then every whole-word occurrence of a
 *   learned name in evidence and results is replaced (`person-<hash>`). Bots (`…[bot]`) are kept.
 *
 * The hash is HMAC-SHA-256 with a key drawn at random for the run and never written anywhere:
 * the same identifier gives the same token within one run, and nobody, not even whoever ran it,
 * can turn a token back into the name or link tokens across runs. Authored text (control titles,
 * descriptions, remediation) is not rewritten; manual evidence files are copied as they are.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Evidence } from '../collectors/types.js';
import type { ControlResult } from '../results.js';

export type PiiKind = 'email' | 'login or name' | 'IAM user name';

export interface PiiStats {
  /** Distinct identifiers replaced, by kind. */
  identities: number;
  replacements: number;
  kinds: PiiKind[];
}

export interface PiiMinimizer {
  /** Learns the people an evidence object names (from the fields collectors put people in). */
  learnEvidence(evidence: Evidence<Record<string, unknown>>): void;
  /** Learns one identifier known to name a person (the token's login, who attested). */
  learnName(name: string): void;
  /** The text with every identifier replaced. */
  text(s: string): string;
  /** A deep copy with every string value (not object keys) minimised. */
  deep<T>(value: T): T;
  stats(): PiiStats;
}

/** Fields whose string value names one person. */
const PERSON_FIELDS = new Set(['author', 'mergedBy', 'merged_by', 'login', 'committer', 'actor', 'user', 'approvedBy', 'addedBy', 'creator']);
/** Fields whose list values each name a person (possibly followed by a role: "alice (write)"). */
const PEOPLE_FIELDS = new Set(['owners', 'members', 'membersWithoutTwoFactor', 'outsideCollaborators', 'outsideWithWrite', 'outsideAdmins', 'admins', 'reviewers', 'approvers', 'approvals']);
/** Placeholders collectors write when GitHub names nobody. */
const NOBODY = new Set(['ghost', 'unknown', 'null', 'none', '']);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
// A name does not end in a dot, so the full stop after an ARN in a sentence is not taken for part of it.
const IAM_USER_ARN = /(arn:aws[a-z-]*:iam::\d{12}:user\/)((?:[A-Za-z0-9+=,.@_-]+\/)*[A-Za-z0-9+=,.@_-]*[A-Za-z0-9+=,@_-])/g;
const ASSUMED_ROLE_ARN = /(arn:aws[a-z-]*:sts::\d{12}:assumed-role\/[A-Za-z0-9+=,.@_-]+\/)([A-Za-z0-9+=,.@_-]*[A-Za-z0-9+=,@_-])/g;
/** A word that could be a login or a one-word name: letters, digits and inner dots, dashes or underscores. */
const WORD = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/g;
const TOKEN = /^(?:person|email|iam-user)-[0-9a-f]{10}$/;

export function createPiiMinimizer(key: Buffer = randomBytes(32)): PiiMinimizer {
  const names = new Set<string>();
  /** Names with a space ("Alice Example"), matched as phrases. */
  let phrases: RegExp | undefined;
  const phraseList = new Set<string>();
  const replaced = new Map<string, PiiKind>();
  let replacements = 0;

  const token = (kind: PiiKind, value: string): string => {
    const id = value.toLowerCase();
    replaced.set(`${kind}\0${id}`, kind);
    replacements++;
    const prefix = kind === 'email' ? 'email' : kind === 'IAM user name' ? 'iam-user' : 'person';
    return `${prefix}-${createHmac('sha256', key).update(`${kind}\0${id}`).digest('hex').slice(0, 10)}`;
  };

  const learnName = (raw: string) => {
    const name = raw.trim();
    if (NOBODY.has(name.toLowerCase()) || name.length < 2 || /\[bot\]$/i.test(name) || TOKEN.test(name) || name.includes('@')) return;
    if (/\s/.test(name)) {
      if (!phraseList.has(name.toLowerCase())) {
        phraseList.add(name.toLowerCase());
        phrases = undefined;
      }
    } else names.add(name.toLowerCase());
  };

  /** "alice (write)" → alice; "alice APPROVED at … on abc1234" → alice; anything else whole. */
  const personIn = (value: string): string => {
    const role = /^(\S+) \([^)]*\)$/.exec(value);
    if (role) return role[1]!;
    const review = /^(\S+) (?:APPROVED|CHANGES_REQUESTED|DISMISSED|COMMENTED)\b/.exec(value);
    if (review) return review[1]!;
    return value;
  };

  const learnFrom = (value: unknown, field: string | undefined): void => {
    if (typeof value === 'string') {
      if (field && (PERSON_FIELDS.has(field) || PEOPLE_FIELDS.has(field))) learnName(personIn(value));
      return;
    }
    if (Array.isArray(value)) {
      for (const v of value) learnFrom(v, field && PEOPLE_FIELDS.has(field) ? field : field && PERSON_FIELDS.has(field) ? field : undefined);
      return;
    }
    if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) learnFrom(v, k);
  };

  const phraseRegex = (): RegExp | undefined => {
    if (!phraseList.size) return undefined;
    phrases ??= new RegExp(`(?<![A-Za-z0-9_-])(?:${[...phraseList].sort((a, b) => b.length - a.length).map(escapeRegex).join('|')})(?![A-Za-z0-9_-])`, 'gi');
    return phrases;
  };

  const text = (s: string): string => {
    let out = s
      .replace(IAM_USER_ARN, (_m, prefix: string, user: string) => `${prefix}${token('IAM user name', user)}`)
      .replace(ASSUMED_ROLE_ARN, (_m, prefix: string, session: string) => `${prefix}${token(session.includes('@') ? 'email' : 'login or name', session)}`)
      .replace(EMAIL, (m) => (/^git@/i.test(m) ? m : token('email', m)));
    const re = phraseRegex();
    if (re) out = out.replace(re, (m) => token('login or name', m));
    if (names.size) {
      out = out.replace(WORD, (w) => (names.has(w.toLowerCase()) ? token('login or name', w) : w));
    }
    return out;
  };

  const deep = <T>(value: T): T => {
    if (typeof value === 'string') return text(value) as T;
    if (Array.isArray(value)) return value.map(deep) as T;
    if (value && typeof value === 'object' && !(value instanceof Date)) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, deep(v)])) as T;
    }
    return value;
  };

  return {
    learnEvidence(evidence) {
      for (const r of evidence.resources) {
        learnFrom(r.data, undefined);
        // AWS Config names an IAM user resource by the user's name.
        if (r.type === 'AWS::IAM::User') {
          const name = (r.data as { resourceName?: unknown }).resourceName;
          if (typeof name === 'string') learnName(name);
          if (r.label) learnName(r.label);
        }
      }
      learnFrom(evidence.facts ?? {}, undefined);
    },
    learnName,
    text,
    deep,
    stats() {
      const kinds = [...new Set(replaced.values())].sort();
      return { identities: replaced.size, replacements, kinds };
    },
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A control result with the identifiers in what the run found minimised: findings, the status
 * reason, the evidence records and who attested. The control's own authored text is left alone.
 */
export function minimiseControlResult(c: ControlResult, m: PiiMinimizer): ControlResult {
  return {
    ...c,
    statusReason: m.text(c.statusReason),
    findings: c.findings.map((f) => ({
      ...f,
      resource: m.text(f.resource),
      message: m.text(f.message),
      ...(f.exception !== undefined ? { exception: m.text(f.exception) } : {}),
      ...(f.occurrences !== undefined ? { occurrences: m.deep(f.occurrences) } : {}),
    })),
    evidence: m.deep(c.evidence),
    ...(c.manualEvidence ? { manualEvidence: { ...c.manualEvidence, attestations: c.manualEvidence.attestations.map((a) => ({ ...a, attestedBy: m.text(a.attestedBy), ...(a.note !== undefined ? { note: m.text(a.note) } : {}) })) } } : {}),
  };
}
