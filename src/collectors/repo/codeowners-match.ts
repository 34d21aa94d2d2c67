/**
 * Which paths a CODEOWNERS pattern matches, by GitHub's rules: gitignore-style patterns without
 * `!` negation or `[ ]` ranges, where
 *  - a pattern with no slash but a trailing one (`docs/`, `*.js`) matches at any depth;
 *  - a leading slash, or a slash inside, anchors it at the root (`/build`, `apps/web`);
 *  - a trailing slash matches everything below the directory (`docs/` → docs/a, docs/a/b);
 *  - a pattern whose last part names a file or directory also matches everything below it
 *    (`/apps/github` → apps/github/x), except a lone `*`: `docs/*` matches docs/a but not
 *    docs/a/b, and so `/*` matches only files at the top level;
 *  - `*` and `?` never cross a slash, `**` spans any number of directories.
 * GitHub documents these in "About code owners"; they were checked against the documented
 * examples there. Matching walks segments and characters with no regular expression, so a
 * hostile pattern (`*a*a*a*a*b`) cannot make it slow: the cost is at most pattern × path length.
 */

type Part = { any: true; min: 0 | 1 } | { any: false; glob: string };

export interface CodeownersPattern {
  /** The pattern as written. */
  pattern: string;
  /**
   * Whether the pattern matches `path` ('/'-separated, relative to the root, no leading slash).
   * `segments` is `path.split('/')`, for callers that match one path against many patterns.
   */
  matches(path: string, segments?: readonly string[]): boolean;
}

/** Paths of every shape a catch-all must cover: top-level files, dotfiles, nested files. */
const PROBES = ['README', 'a.txt', '.env', 'src/a.ts', 'a/b/c/d.txt', '.github/workflows/ci.yml'];

export function compileCodeownersPattern(pattern: string): CodeownersPattern {
  const literal = anchoredLiteral(pattern);
  if (literal !== undefined) {
    // Most rules name a folder or file from the root (/infra/, /go.mod): a string comparison.
    const below = literal.prefix + '/';
    const matches = (path: string) => (literal.dir ? path.startsWith(below) : path === literal.prefix || path.startsWith(below));
    return { pattern, matches };
  }
  const parts = partsOf(pattern);
  if (parts === undefined) return { pattern, matches: () => false };
  const [first, name, last] = parts;
  if (parts.length === 3 && first?.any && first.min === 0 && name && !name.any && last?.any) {
    // One name at any depth (`*.md`, `Makefile`, `docs/`): some segment matches it, with
    // something below it when the pattern ends in a slash. The commonest unanchored shape.
    const below = last.min;
    return {
      pattern,
      matches: (path, segments = path.split('/')) => {
        for (let i = 0; i < segments.length - below; i++) if (segmentMatches(name.glob, segments[i] as string)) return true;
        return false;
      },
    };
  }
  return { pattern, matches: (path, segments) => matchParts(parts, segments ?? path.split('/')) };
}

/** `/a/b` or `/a/b/` with no wildcard or escape: the path it names, and whether only what is below it matches. */
function anchoredLiteral(pattern: string): { prefix: string; dir: boolean } | undefined {
  if (!pattern.startsWith('/') || /[*?\\]/.test(pattern) || pattern === '/' || pattern.includes('//')) return undefined;
  const dir = pattern.endsWith('/');
  return { prefix: pattern.slice(1, dir ? -1 : undefined), dir };
}

/** A pattern that gives every file of any repository to its owners: `*`, `**`, `/**`, `**` + `/*`. */
export function isCatchAll(pattern: string): boolean {
  const p = compileCodeownersPattern(pattern);
  return PROBES.every((path) => p.matches(path));
}

function partsOf(pattern: string): Part[] | undefined {
  if (pattern === '' || pattern === '/') return undefined;
  let segs = pattern.split('/');
  if (segs[0] === '') {
    segs = segs.slice(1);
  } else if (segs.length === 1 || (segs.length === 2 && segs[1] === '')) {
    // One name, no anchor: it may sit at any depth.
    if (segs[0] !== '**') segs = ['**', ...segs];
  }
  let descendants = false;
  if (segs.length > 1 && segs[segs.length - 1] === '') {
    segs[segs.length - 1] = '**';
  } else {
    const last = segs[segs.length - 1];
    descendants = last !== '**' && last !== '*';
  }
  const parts: Part[] = segs.map((seg, i) => {
    if (seg !== '**') return { any: false, glob: seg };
    // `**` alone matches every path; at the end it needs something below; elsewhere it may be empty.
    return { any: true, min: segs.length === 1 || (i === segs.length - 1 && i > 0) ? 1 : 0 };
  });
  if (descendants) parts.push({ any: true, min: 0 });
  return parts;
}

/** Whether the path's segments match the parts: `any` parts take `min` or more whole segments. */
function matchParts(parts: readonly Part[], segs: readonly string[]): boolean {
  // reachable[j]: the parts so far can consume exactly the first j segments.
  let reachable = new Array<boolean>(segs.length + 1).fill(false);
  reachable[0] = true;
  for (const part of parts) {
    const next = new Array<boolean>(segs.length + 1).fill(false);
    if (part.any) {
      let from = -1;
      for (let j = 0; j <= segs.length; j++) {
        if (reachable[j] && from === -1) from = j;
        if (from !== -1 && j - from >= part.min) next[j] = true;
      }
    } else {
      for (let j = 0; j < segs.length; j++) if (reachable[j] && segmentMatches(part.glob, segs[j] as string)) next[j + 1] = true;
    }
    reachable = next;
  }
  return reachable[segs.length] === true;
}

/**
 * One path segment against one segment of a CODEOWNERS pattern: `*` any run of characters, `?` one
 * character, `\x` the character x (the `*` and `?` of src/util/glob.ts, within a segment), matched
 * without a regular expression because every rule meets every file of the checkout.
 */
export function segmentMatches(glob: string, text: string): boolean {
  let g = 0;
  let t = 0;
  let starG = -1;
  let starT = 0;
  while (t < text.length) {
    const ch = glob[g];
    if (ch === '*') {
      starG = g++;
      starT = t;
      continue;
    }
    if (ch === '\\' && g + 1 < glob.length) {
      if (glob[g + 1] === text[t]) {
        g += 2;
        t++;
        continue;
      }
    } else if (ch !== undefined && (ch === '?' || ch === text[t])) {
      g++;
      t++;
      continue;
    }
    // Mismatch: let the last star take one more character, or fail.
    if (starG === -1) return false;
    g = starG + 1;
    t = ++starT;
  }
  while (glob[g] === '*') g++;
  return g === glob.length;
}
