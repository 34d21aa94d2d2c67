/**
 * Which approved exception covers a failing finding. Pure: the file is read in exceptions.ts.
 *
 * An exception is valid through its expiry date. Of the entries for a control and resource, only
 * unexpired ones apply, so an expired entry followed by its renewal is covered by the renewal,
 * whatever their order in the file. When several unexpired entries cover the same finding (an
 * overlap), the one that expires last applies and the finding names the others; the run also
 * warns about every overlap when it starts (overlappingExceptions).
 */
import type { Finding } from '../results.js';
import type { ExceptionEntry } from './exceptions.js';

function covers(e: ExceptionEntry, controlId: string, resource: string): boolean {
  return e.control === controlId && (!e.resources || e.resources.includes(resource));
}

function isExpired(e: ExceptionEntry, today: string): boolean {
  return e.expires < today;
}

/** How a sentence points at an entry: its file and line when known. */
function entryName(e: ExceptionEntry): string {
  return e.at ?? `the exception for ${e.control} that expires ${e.expires}`;
}

/** The entry that applies among several unexpired ones: the one that expires last (the first listed on a tie). */
function longestLived(entries: readonly ExceptionEntry[]): ExceptionEntry {
  return entries.reduce((best, e) => (e.expires > best.expires ? e : best));
}

export function applyExceptions(controlId: string, findings: Finding[], exceptions: readonly ExceptionEntry[], today: string): void {
  for (const f of findings) {
    if (f.status !== 'fail') continue;
    const matching = exceptions.filter((e) => covers(e, controlId, f.resource));
    if (!matching.length) continue;
    const valid = matching.filter((e) => !isExpired(e, today));
    if (!valid.length) {
      const lastExpiry = matching.map((e) => e.expires).sort().at(-1)!;
      f.message += ` (An exception for this expired on ${lastExpiry}; it no longer applies.)`;
      continue;
    }
    const chosen = longestLived(valid);
    const others = valid.filter((e) => e !== chosen);
    f.status = 'excepted';
    f.exception = `${chosen.justification} — approved by ${chosen.approvedBy}, expires ${chosen.expires}`;
    if (others.length) {
      f.exception += `. Overlapping exceptions: ${others.map((e) => `${entryName(e)} (expires ${e.expires})`).join(', ')} also cover${others.length === 1 ? 's' : ''} this; the one that expires last applies`;
    }
  }
}

/**
 * Unexpired entries that cover the same control and resource: one sentence per pair, naming both
 * entries (file:line) and what they share.
 */
export function overlappingExceptions(exceptions: readonly ExceptionEntry[], today: string): string[] {
  const valid = exceptions.filter((e) => !isExpired(e, today));
  const out: string[] = [];
  for (let i = 0; i < valid.length; i++) {
    for (let j = i + 1; j < valid.length; j++) {
      const a = valid[i]!;
      const b = valid[j]!;
      if (a.control !== b.control) continue;
      const shared = !a.resources ? b.resources : !b.resources ? a.resources : a.resources.filter((r) => b.resources!.includes(r));
      if (shared && !shared.length) continue;
      const what = shared ? shared.join(', ') : 'every resource';
      out.push(`${entryName(a)} and ${entryName(b)} both cover ${a.control} for ${what} (expiring ${a.expires} and ${b.expires}); the one that expires last applies. Remove one, or narrow their resources.`);
    }
  }
  return out;
}
