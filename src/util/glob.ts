/**
 * The one glob dialect soc2 reads from configuration and control params, the one users know from
 * GitHub (CODEOWNERS, Actions path filters) and .gitignore: `*` and `?` stay within one
 * '/'-separated segment, `**` spans any number of them, and `**\/` also matches no directory at
 * all (`**\/fixtures/**` takes in `fixtures/a.json`). Everything else is literal.
 */
import { compileLinear, type LinearPattern } from '../pattern.js';

export interface GlobOptions {
  /** Case-insensitive, as GitHub compares repository and organisation names. */
  ignoreCase?: boolean;
}

/** The glob as a pattern that must match the whole value. */
export function compileGlob(glob: string, opts: GlobOptions = {}): LinearPattern {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (ch === '?') {
      re += '[^/]';
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  // RE2: globs come from configuration, control params and the checkout's own files (a pull
  // request), and a pattern like **a**a**a**b would make RegExp backtrack for hours on a long value.
  return compileLinear(`^${re}$`, opts);
}

export function globMatches(glob: string, value: string, opts: GlobOptions = {}): boolean {
  return compileGlob(glob, opts).test(value);
}
