/**
 * Lists everything under a bundle directory without following symbolic links: a link inside a
 * bundle could point anywhere on the machine, so it is reported as what it is and never read.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export type EntryKind = 'file' | 'symlink' | 'other';

export interface BundleEntry {
  /** Path relative to the bundle directory, with / separators. */
  path: string;
  kind: EntryKind;
}

/**
 * Every non-directory entry under `dir`, sorted by path (code-unit order, so the same tree lists
 * the same way on every machine). Directories are descended into; a symbolic link to a directory
 * is an entry of kind 'symlink', not descended into.
 */
export function walkBundle(dir: string): BundleEntry[] {
  const out: BundleEntry[] = [];
  const visit = (abs: string, rel: string) => {
    for (const d of readdirSync(abs, { withFileTypes: true })) {
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) visit(join(abs, d.name), childRel);
      else out.push({ path: childRel, kind: d.isFile() ? 'file' : d.isSymbolicLink() ? 'symlink' : 'other' });
    }
  };
  visit(dir, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * What a bundle path is on disk, checking every component with lstat so that a symbolic link
 * anywhere along the way (evidence/ itself replaced by a link) is caught, not followed.
 */
export function entryKindAt(dir: string, rel: string): EntryKind | 'missing' | 'symlink-in-path' {
  const parts = rel.split('/');
  let abs = dir;
  for (let i = 0; i < parts.length; i++) {
    abs = join(abs, parts[i]!);
    let st;
    try {
      st = lstatSync(abs);
    } catch {
      return 'missing';
    }
    const last = i === parts.length - 1;
    if (st.isSymbolicLink()) return last ? 'symlink' : 'symlink-in-path';
    if (!last && !st.isDirectory()) return 'missing';
    if (last) return st.isFile() ? 'file' : 'other';
  }
  return 'missing';
}
