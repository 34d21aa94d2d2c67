/**
 * Regular expressions built from text a user or a pull request supplies (a control's `matches`
 * value, include/exclude globs) run on RE2, whose matching time is linear in the input: no pattern
 * can make a run hang through catastrophic backtracking, as JavaScript's RegExp can. RE2 has no
 * backreferences or lookaround, so such a pattern is refused when it is compiled.
 */
import { RE2JS } from 're2js';

export interface LinearPattern {
  /** True when the pattern matches anywhere in `text` (like RegExp.prototype.test). */
  test(text: string): boolean;
}

export interface PatternOptions {
  ignoreCase?: boolean;
}

// Compiling costs far more than matching, and the same few patterns are matched against many values.
const cache = new Map<string, LinearPattern>();
const CACHE_LIMIT = 1000;

/** Compiles with RE2; throws PatternSyntaxError with RE2's reason when the pattern is not valid RE2 syntax. */
export function compileLinear(source: string, opts: PatternOptions = {}): LinearPattern {
  const key = `${opts.ignoreCase ? 'i' : '-'}${source}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(source, opts.ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
  } catch (e) {
    throw new PatternSyntaxError(source, reasonOf(e));
  }
  const pattern: LinearPattern = { test: (text) => compiled.test(text) };
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, pattern);
  return pattern;
}

export class PatternSyntaxError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`invalid regular expression ${JSON.stringify(source)}: ${reason}`);
    this.name = 'PatternSyntaxError';
  }
}

/** Why `source` cannot be used as a pattern, in words a control author can act on; undefined when it can. */
export function patternProblem(source: string): string | undefined {
  try {
    compileLinear(source);
    return undefined;
  } catch (e) {
    if (!(e instanceof PatternSyntaxError)) throw e;
    const unsupported = /\\[1-9]|\(\?[=!]|\(\?<[=!]/.test(source)
      ? ' soc2 matches with RE2, which runs in linear time and so has no backreferences (\\1) or lookaround ((?=…), (?!…), (?<=…)); rewrite the pattern without them, or split it into several assertions.'
      : '';
    return `invalid regular expression: ${e.reason}.${unsupported}`;
  }
}

/** RE2JS reports "error parsing regexp: <reason>: `<part>`"; the prefix says nothing a user needs. */
function reasonOf(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).replace(/^error parsing regexp: /, '');
}
