/**
 * Which managed rule a deployed rule's name stands for. The aggregate APIs give rule names, never
 * source identifiers, so aggregator mode can only find a control's rules by name.
 *
 * A managed rule deployed by hand or by a template is named after its identifier
 * (S3_BUCKET_VERSIONING_ENABLED → s3-bucket-versioning-enabled), except for the rules AWS names
 * differently (INCOMING_SSH_DISABLED → restricted-ssh) and the rules the SOC 2 conformance pack
 * names its own way. Both lists are data shipped in data/: aws-soc2-conformance-pack.tsv (the pack's
 * rule names and identifiers) and aws-config-rule-names.tsv (from the AWS Config managed-rules
 * documentation: the rules whose name is not their identifier's, and the "-periodic" rules whose
 * names extend a pack rule's). On top of that name:
 * - a conformance pack appends `-conformance-pack-<pack id>` and cuts the name in front so the
 *   whole fits the 64 characters a rule name may have in the compliance APIs
 *   (`s3-bucket-server-side-encryption-enab-conformance-pack-k3x9q2ab1`);
 * - AWS Organizations deploys organization rules as `OrgConfigRule-<name>-<suffix>`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDir } from '../../paths.js';

/** Longest rule name the compliance APIs accept (ConfigRuleName 1..64); pack rule names are cut to it. */
export const MAX_RULE_NAME = 64;

const PACK_SUFFIX = /^(.+)-conformance-pack-[a-z0-9]+$/;
const ORG_PREFIX = 'OrgConfigRule-';

export function isManagedIdentifier(requested: string): boolean {
  return /^[A-Z0-9]+(_[A-Z0-9]+)+$/.test(requested);
}

/** The name AWS's templates give a managed rule when nothing else is known: S3_X → s3-x. */
export function templateName(identifier: string): string {
  return identifier.toLowerCase().replace(/_/g, '-');
}

interface NameTable {
  /** Rule name → managed rule identifier, for every name in the shipped data. */
  identifierOf: Map<string, string>;
  /** Identifier → the names the shipped data gives it. */
  namesOf: Map<string, string[]>;
}

let table: NameTable | undefined;

/** Rows of a TSV in data/ as objects keyed by the header. */
function readTsv(file: string): Array<Record<string, string>> {
  const [header, ...rows] = readFileSync(join(dataDir, file), 'utf8').trim().split('\n').map((line) => line.split('\t'));
  return rows.map((cells) => Object.fromEntries(header!.map((h, i) => [h, cells[i] ?? ''])));
}

/** Read on first use, so loading a collector module stays free of I/O. */
function names(): NameTable {
  if (table) return table;
  const identifierOf = new Map<string, string>();
  const namesOf = new Map<string, string[]>();
  for (const file of ['aws-soc2-conformance-pack.tsv', 'aws-config-rule-names.tsv']) {
    for (const row of readTsv(file)) {
      const name = row.config_rule_name;
      const identifier = row.source_identifier;
      if (!name || !identifier) continue;
      identifierOf.set(name, identifier);
      namesOf.set(identifier, [...new Set([...(namesOf.get(identifier) ?? []), name])]);
    }
  }
  table = { identifierOf, namesOf };
  return table;
}

/** Every name a managed rule may carry before a pack or AWS Organizations wraps it. */
export function namesFor(identifier: string): string[] {
  return [...new Set([...(names().namesOf.get(identifier) ?? []), templateName(identifier)])];
}

/** The part of a deployed rule's name that names the rule, and whether it may have been cut. */
function coreNames(name: string): Array<{ core: string; cut: boolean }> {
  const out = [{ core: name, cut: false }];
  const pack = PACK_SUFFIX.exec(name);
  if (pack) out.push({ core: pack[1]!, cut: name.length === MAX_RULE_NAME });
  if (name.startsWith(ORG_PREFIX)) {
    const rest = name.slice(ORG_PREFIX.length);
    out.push({ core: rest, cut: false }, { core: rest.replace(/-[a-z0-9]+$/, ''), cut: false });
  }
  return out;
}

export type NameMatch =
  | { kind: 'match' }
  | { kind: 'no' }
  /** A cut name that could also be another rule's: `candidates` are the identifiers it may stand for. */
  | { kind: 'ambiguous'; candidates: string[] };

/**
 * Whether a deployed rule called `name` answers a control's request for `requested` (a managed
 * rule identifier or an exact rule name). A name that is complete for one rule is that rule; a
 * name cut to the length limit is taken only when no other known rule's name starts the same way.
 */
export function matchRuleName(requested: string, name: string): NameMatch {
  if (name === requested) return { kind: 'match' };
  if (!isManagedIdentifier(requested)) return { kind: 'no' };
  const wanted = namesFor(requested);
  const cores = coreNames(name);
  if (cores.some(({ core }) => wanted.includes(core))) return { kind: 'match' };
  const cut = cores.find((c) => c.cut && wanted.some((w) => w.startsWith(c.core)));
  if (!cut) return { kind: 'no' };
  const others = [...names().identifierOf].filter(([n, id]) => id !== requested && n.startsWith(cut.core)).map(([, id]) => id);
  return others.length === 0 ? { kind: 'match' } : { kind: 'ambiguous', candidates: [...new Set([requested, ...others])].sort() };
}
