/**
 * repo.lockfile — is a lockfile committed beside every package manifest (at the root and in
 * subfolders), so that builds install exactly the reviewed dependency versions? A workspace member
 * is covered by its workspace root's lockfile (npm/yarn/pnpm/bun workspaces, Cargo and uv
 * workspaces). "Committed" means in the git index when the checkout is a git work tree; a lockfile
 * that exists on disk but is not tracked (often a .gitignore entry) is reported separately.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ApiCall, CollectContext, Collector, Evidence, Gap } from '../types.js';
import { dirGaps, globToRegExp, isRepoFile, localCall, loadRepo, readGap, readRepoFile, repoFacts, type RepoSnapshot } from './files.js';

/** Manifest and lockfile directories that hold third-party copies, not this project's manifests. */
const SKIP_SEGMENTS = new Set(['node_modules', 'vendor', '.git', 'bower_components']);

const JS_LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock'];

interface Kind {
  ecosystem: string;
  lockfiles: readonly string[];
}

/** Manifest file name → ecosystem and the lockfiles that pin it, beside it. */
const KIND_TABLE: Record<string, Kind> = {
  'package.json': { ecosystem: 'npm', lockfiles: JS_LOCKFILES },
  'pyproject.toml': { ecosystem: 'python', lockfiles: ['poetry.lock', 'uv.lock', 'pdm.lock'] },
  Pipfile: { ecosystem: 'python', lockfiles: ['Pipfile.lock'] },
  'go.mod': { ecosystem: 'go', lockfiles: ['go.sum'] },
  'Cargo.toml': { ecosystem: 'cargo', lockfiles: ['Cargo.lock'] },
  Gemfile: { ecosystem: 'ruby', lockfiles: ['Gemfile.lock'] },
  'gems.rb': { ecosystem: 'ruby', lockfiles: ['gems.locked'] },
  'composer.json': { ecosystem: 'composer', lockfiles: ['composer.lock'] },
};
// A Map, not the object: a file named `constructor` must not look like a manifest.
const KINDS = new Map(Object.entries(KIND_TABLE));
const REQUIREMENTS = /^requirements[^/]*\.(txt|in)$/;

const params = z.strictObject({
  exclude: z.array(z.string()).default([]).describe('Globs of paths whose manifests are not checked, e.g. examples/** or test/fixtures/**.'),
});

const manifest = z.object({
  path: z.string().describe('manifest'),
  ecosystem: z.string().describe('ecosystem'),
  lockfile: z.string().nullable().describe('lockfile that pins it'),
  lockfileRequired: z.boolean().describe('a lockfile is required'),
  note: z.string().nullable().describe('note'),
});

const resource = z.object({
  manifestCount: z.number().describe('package manifests found'),
  manifests: z.array(manifest).describe('package manifests and their lockfiles'),
  manifestsWithoutLockfile: z.array(z.string()).describe('package manifests without a committed lockfile'),
  missingLockfileCount: z.number().describe('package manifests without a committed lockfile'),
  untrackedLockfiles: z.array(z.string()).describe('lockfiles present on disk but not committed'),
});

export type LockfileParams = z.infer<typeof params>;
export type LockfileResource = z.infer<typeof resource>;
type Manifest = z.infer<typeof manifest>;

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i === -1 ? '' : p.slice(0, i);
}
function join(dir: string, name: string): string {
  return dir ? `${dir}/${name}` : name;
}
/** Ancestor directories of `dir`, nearest first, ending with the root (''). */
function ancestors(dir: string): string[] {
  const out: string[] = [];
  let d = dir;
  while (d !== '') {
    d = dirOf(d);
    out.push(d);
  }
  return out;
}
function relativeTo(base: string, dir: string): string {
  return base === '' ? dir : dir.slice(base.length + 1);
}

export interface RequirementsInfo {
  requirements: number;
  /** First requirement not pinned with == (or a hash / commit), with its line. */
  firstUnpinned: { line: number; text: string } | null;
  hashes: boolean;
}

/** Whether a pip requirements file pins every requirement exactly. */
export function inspectRequirements(text: string): RequirementsInfo {
  const info: RequirementsInfo = { requirements: 0, firstUnpinned: null, hashes: false };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i + 1;
    let logical = lines[i] ?? '';
    // Backslash continuations join a requirement with its --hash lines.
    while (logical.trimEnd().endsWith('\\') && i + 1 < lines.length) logical = logical.trimEnd().slice(0, -1) + ' ' + (lines[++i] ?? '');
    const req = logical.replace(/(^|\s)#.*$/, '').trim();
    if (req === '') continue;
    if (/--hash[= ]/.test(req)) info.hashes = true;
    if (req.startsWith('-')) continue;
    info.requirements++;
    const pinned = /===?/.test(req) || /#sha256=|@[0-9a-f]{40}\b/.test(req);
    if (!pinned && !info.firstUnpinned) info.firstUnpinned = { line: start, text: req };
  }
  return info;
}

/** Glob patterns of a JS workspace root: package.json `workspaces` or pnpm-workspace.yaml `packages`. */
function workspaceGlobs(pkg: unknown, pnpmWorkspace: unknown): string[] {
  const globs: string[] = [];
  const ws = (pkg as { workspaces?: unknown } | undefined)?.workspaces;
  const list = Array.isArray(ws) ? ws : (ws as { packages?: unknown } | undefined)?.packages;
  if (Array.isArray(list)) globs.push(...list.filter((g): g is string => typeof g === 'string'));
  const pnpm = (pnpmWorkspace as { packages?: unknown } | undefined)?.packages;
  if (Array.isArray(pnpm)) globs.push(...pnpm.filter((g): g is string => typeof g === 'string'));
  return globs;
}

function matchesAny(globs: readonly string[], rel: string): boolean {
  const positive = globs.filter((g) => !g.startsWith('!'));
  const negative = globs.filter((g) => g.startsWith('!')).map((g) => g.slice(1));
  return positive.some((g) => globToRegExp(g).test(rel)) && !negative.some((g) => globToRegExp(g).test(rel));
}

export const collector: Collector<LockfileParams, LockfileResource> = {
  id: 'repo.lockfile',
  source: 'repo',
  description: 'Finds package manifests (package.json, pyproject.toml, requirements, Pipfile, go.mod, Cargo.toml, Gemfile, composer.json) and checks a lockfile is committed for each.',
  params,
  resource,
  permissions: ['local:read'],
  defaultWhenEmpty: 'error',
  // Each manifest without a lockfile is a path; the repository as a whole has no one file.
  locate: { entry: (key, entry) => (key === 'manifestsWithoutLockfile' && typeof entry === 'string' ? { file: entry } : undefined) },
  example: `collector: repo.lockfile
params: { exclude: ["examples/**"] }
assert:
  all:
    - { key: manifestsWithoutLockfile, op: empty, message: a committed lockfile beside every package manifest }
`,
  async collect(ctx, p): Promise<Evidence<LockfileResource>> {
    const snap = await loadRepo(ctx);
    const calls = [...snap.calls];
    const gaps: Gap[] = dirGaps(snap);
    const excluded = p.exclude.map(globToRegExp);
    const tracked = new Set(snap.files);
    const candidates = snap.files.filter((f) => {
      const parts = f.split('/');
      const base = parts[parts.length - 1] as string;
      if (parts.some((s) => SKIP_SEGMENTS.has(s))) return false;
      if (excluded.some((re) => re.test(f))) return false;
      return KINDS.has(base) || REQUIREMENTS.test(base) || (parts.length >= 2 && parts[parts.length - 2] === 'requirements' && base.endsWith('.txt'));
    });

    // Each file is read at most once, however many manifests consult it.
    const texts = new Map<string, Promise<string | undefined>>();
    const read = (file: string) => {
      let t = texts.get(file);
      if (!t) {
        t = readText(ctx, snap, file, calls, gaps);
        texts.set(file, t);
      }
      return t;
    };
    const readJson = async (file: string): Promise<unknown> => {
      const text = await read(file);
      if (text === undefined) return undefined;
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    };

    const manifests: Manifest[] = [];
    for (const path of candidates) {
      ctx.signal.throwIfAborted();
      const dir = dirOf(path);
      const base = path.slice(dir ? dir.length + 1 : 0);
      const entry: Manifest = { path, ecosystem: KINDS.get(base)?.ecosystem ?? 'python', lockfile: null, lockfileRequired: true, note: null };
      const besideIt = (names: readonly string[]) => names.map((n) => join(dir, n)).find((f) => tracked.has(f)) ?? null;

      if (base === 'package.json') {
        const text = await read(path);
        let pkg: Record<string, unknown> | undefined;
        try {
          pkg = text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
        } catch {
          entry.note = 'package.json does not parse as JSON';
        }
        entry.lockfile = besideIt(JS_LOCKFILES);
        if (!entry.lockfile) {
          const root = await workspaceRoot(dir, 'js');
          if (root !== undefined) {
            entry.lockfileRequired = false;
            entry.lockfile = JS_LOCKFILES.map((n) => join(root, n)).find((f) => tracked.has(f)) ?? null;
            entry.note = `workspace member of ${join(root, 'package.json')}, which holds the lockfile`;
          } else if (pkg && !declaresDependencies(pkg)) {
            entry.lockfileRequired = false;
            entry.note = 'declares no dependencies';
          }
        }
      } else if (base === 'pyproject.toml') {
        const text = (await read(path)) ?? '';
        if (!/^\s*\[(?:project|tool\.poetry)\]\s*$/m.test(text)) continue; // tool configuration only, not a package
        entry.lockfile = besideIt(KINDS.get(base)?.lockfiles ?? []);
        if (!entry.lockfile) {
          const root = await workspaceRoot(dir, 'uv');
          if (root !== undefined) {
            entry.lockfileRequired = false;
            entry.lockfile = tracked.has(join(root, 'uv.lock')) ? join(root, 'uv.lock') : null;
            entry.note = `uv workspace member of ${join(root, 'pyproject.toml')}, which holds the lockfile`;
          } else {
            // pip-compile --generate-hashes output beside it pins the full tree.
            for (const req of snap.files.filter((f) => dirOf(f) === dir && /^requirements[^/]*\.txt$/.test(f.slice(dir ? dir.length + 1 : 0)))) {
              const info = inspectRequirements((await read(req)) ?? '');
              if (info.hashes && info.requirements > 0 && !info.firstUnpinned) {
                entry.lockfile = req;
                entry.note = `${req} pins every requirement with hashes`;
                break;
              }
            }
          }
        }
      } else if (base === 'Cargo.toml') {
        entry.lockfile = besideIt(['Cargo.lock']);
        if (!entry.lockfile) {
          const root = await workspaceRoot(dir, 'cargo');
          if (root !== undefined) {
            entry.lockfileRequired = false;
            entry.lockfile = tracked.has(join(root, 'Cargo.lock')) ? join(root, 'Cargo.lock') : null;
            entry.note = `Cargo workspace member of ${join(root, 'Cargo.toml')}, which holds the lockfile`;
          }
        }
      } else if (base === 'go.mod') {
        entry.lockfile = besideIt(['go.sum']);
        if (!entry.lockfile && !/^\s*require\b/m.test((await read(path)) ?? 'require')) {
          entry.lockfileRequired = false;
          entry.note = 'requires no modules, so go.sum is not needed';
        }
      } else if (KINDS.has(base)) {
        entry.lockfile = besideIt(KINDS.get(base)?.lockfiles ?? []);
      } else if (base.endsWith('.in')) {
        // pip-compile: requirements.in is the manifest, the .txt of the same name its lockfile.
        entry.lockfile = besideIt([base.replace(/\.in$/, '.txt')]);
      } else {
        const info = inspectRequirements((await read(path)) ?? '');
        if (info.requirements === 0) {
          entry.lockfileRequired = false;
          entry.note = 'lists no requirements of its own';
        } else if (!info.firstUnpinned) {
          entry.lockfile = path;
          entry.note = info.hashes ? 'every requirement pinned with == and --hash' : 'every requirement pinned with == (no hashes)';
        } else {
          entry.note = `line ${info.firstUnpinned.line}: "${info.firstUnpinned.text}" is not pinned with ==`;
        }
      }
      manifests.push(entry);
    }

    const missing = manifests.filter((m) => m.lockfileRequired && m.lockfile === null);
    const untrackedLockfiles: string[] = [];
    if (snap.method === 'git') {
      for (const m of missing) {
        const dir = dirOf(m.path);
        const base = m.path.slice(dir ? dir.length + 1 : 0);
        const names = KINDS.get(base)?.lockfiles ?? (base.endsWith('.in') ? [base.replace(/\.in$/, '.txt')] : []);
        for (const name of names) {
          const file = join(dir, name);
          calls.push(localCall(ctx, 'stat', { path: file }));
          const exists = await isRepoFile(ctx, file);
          if (exists) {
            untrackedLockfiles.push(file);
            m.note = `${file} exists but is not committed (is it in .gitignore?)`;
          }
        }
      }
    }

    const data: LockfileResource = {
      manifestCount: manifests.length,
      manifests,
      manifestsWithoutLockfile: missing.map((m) => m.path),
      missingLockfileCount: missing.length,
      untrackedLockfiles,
    };
    const needsLockfile = manifests.some((m) => m.lockfileRequired || m.lockfile !== null);
    return {
      resources: [
        needsLockfile
          ? { id: snap.name, data }
          : { id: snap.name, data, notApplicable: manifests.length === 0 ? 'no package manifests were found' : 'no package manifest declares dependencies' },
      ],
      facts: repoFacts(snap),
      complete: gaps.length === 0,
      gaps,
      calls,
    };

    /** The nearest ancestor directory that declares `dir` a member of its workspace. */
    async function workspaceRoot(dir: string, kind: 'js' | 'uv' | 'cargo'): Promise<string | undefined> {
      if (dir === '') return undefined;
      for (const a of ancestors(dir)) {
        const rel = relativeTo(a, dir);
        if (kind === 'js') {
          const pkgFile = join(a, 'package.json');
          const pnpmFile = join(a, 'pnpm-workspace.yaml');
          if (!tracked.has(pkgFile) && !tracked.has(pnpmFile)) continue;
          const pkg = tracked.has(pkgFile) ? await readJson(pkgFile) : undefined;
          let pnpm: unknown;
          if (tracked.has(pnpmFile)) {
            try {
              pnpm = parseYaml((await read(pnpmFile)) ?? '');
            } catch {
              pnpm = undefined;
            }
          }
          if (matchesAny(workspaceGlobs(pkg, pnpm), rel)) return a;
        } else {
          const file = join(a, kind === 'cargo' ? 'Cargo.toml' : 'pyproject.toml');
          if (!tracked.has(file)) continue;
          const text = (await read(file)) ?? '';
          // Membership lists are not parsed (no TOML parser); a workspace table above is enough.
          const marker = kind === 'cargo' ? /^\s*\[workspace\]\s*$/m : /^\s*\[tool\.uv\.workspace\]\s*$/m;
          if (marker.test(text)) return a;
        }
      }
      return undefined;
    }
  },
};

function declaresDependencies(pkg: Record<string, unknown>): boolean {
  const nonEmpty = (v: unknown) => typeof v === 'object' && v !== null && Object.keys(v).length > 0;
  return ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'].some((k) => nonEmpty(pkg[k])) || pkg.workspaces !== undefined;
}

async function readText(ctx: CollectContext, snap: RepoSnapshot, file: string, calls: ApiCall[], gaps: Gap[]): Promise<string | undefined> {
  const r = await readRepoFile(ctx, file, { calls });
  if (r.ok) return r.binary ? undefined : r.text;
  // Callers read an unread manifest as empty, which could excuse it from needing a lockfile: the
  // gap keeps that from ever passing.
  gaps.push(readGap(snap, r));
  return undefined;
}
