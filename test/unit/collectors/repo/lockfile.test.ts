import { describe, expect, it } from 'vitest';
import { collector, compiledFrom, inspectRequirements } from '../../../../src/collectors/repo/lockfile.js';
import { makeCtx, makeRepo } from './helpers.js';

const pkg = (extra: Record<string, unknown> = {}) => JSON.stringify({ name: 'x', version: '1.0.0', dependencies: { express: '^4.19.0' }, ...extra });

async function collectFrom(files: Record<string, string>, options: Parameters<typeof makeRepo>[1] = {}, params = { exclude: [] as string[] }) {
  const dir = await makeRepo(files, options);
  const ev = await collector.collect(makeCtx(dir), params);
  expect(ev.resources).toHaveLength(1);
  return { ev, resource: ev.resources[0]!, data: ev.resources[0]!.data };
}

describe('collectors/repo/lockfile', () => {
  it('pairs manifests with their lockfiles across ecosystems', async () => {
    const { ev, data } = await collectFrom({
      'package.json': pkg(),
      'yarn.lock': '# yarn lockfile v1\n',
      'services/geo/go.mod': 'module x\n\nrequire golang.org/x/text v0.14.0\n',
      'services/geo/go.sum': 'golang.org/x/text v0.14.0 h1:abc=\n',
      'tools/cli/Cargo.toml': '[package]\nname = "cli"\n',
      'tools/cli/Cargo.lock': 'version = 3\n',
      'ml/pyproject.toml': '[project]\nname = "ml"\ndependencies = ["numpy"]\n',
      'ml/uv.lock': 'version = 1\n',
    });
    expect(ev.complete).toBe(true);
    expect(data.manifestCount).toBe(4);
    expect(data.manifestsWithoutLockfile).toEqual([]);
    expect(data.missingLockfileCount).toBe(0);
    expect(Object.fromEntries(data.manifests.map((m) => [m.path, m.lockfile]))).toEqual({
      'package.json': 'yarn.lock',
      'services/geo/go.mod': 'services/geo/go.sum',
      'tools/cli/Cargo.toml': 'tools/cli/Cargo.lock',
      'ml/pyproject.toml': 'ml/uv.lock',
    });
  });

  it('reports a package.json in a subfolder without a lockfile', async () => {
    const { data } = await collectFrom({
      'package.json': pkg(),
      'package-lock.json': '{}',
      'tools/loadtest/package.json': pkg({ dependencies: { k6: '^0.1.0' } }),
      'Gemfile': "source 'https://rubygems.org'\ngem 'rails'\n",
    });
    expect(data.manifestsWithoutLockfile).toEqual(['Gemfile', 'tools/loadtest/package.json']);
    expect(data.missingLockfileCount).toBe(2);
  });

  it('treats npm workspace members as covered by the root lockfile, but not other folders', async () => {
    const { data } = await collectFrom({
      'package.json': pkg({ workspaces: ['packages/*', '!packages/legacy'] }),
      'package-lock.json': '{}',
      'packages/api/package.json': pkg(),
      'packages/legacy/package.json': pkg(),
      'examples/demo/package.json': pkg(),
    });
    const api = data.manifests.find((m) => m.path === 'packages/api/package.json');
    expect(api).toMatchObject({ lockfile: 'package-lock.json', lockfileRequired: false });
    expect(api?.note).toContain('workspace member of package.json');
    expect(data.manifestsWithoutLockfile).toEqual(['examples/demo/package.json', 'packages/legacy/package.json']);
  });

  it('treats pnpm workspace members as covered', async () => {
    const { data } = await collectFrom({
      'package.json': pkg(),
      'pnpm-workspace.yaml': "packages:\n  - 'apps/**'\n",
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'apps/web/site/package.json': pkg(),
    });
    expect(data.manifestsWithoutLockfile).toEqual([]);
  });

  it('treats Cargo workspace members as covered by the workspace lockfile', async () => {
    const { data } = await collectFrom({
      'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
      'Cargo.lock': 'version = 3\n',
      'crates/core/Cargo.toml': '[package]\nname = "core"\n',
    });
    expect(data.manifestsWithoutLockfile).toEqual([]);
    expect(data.manifests.find((m) => m.path === 'crates/core/Cargo.toml')?.lockfile).toBe('Cargo.lock');
  });

  it('skips node_modules, vendor and excluded paths', async () => {
    const { data } = await collectFrom(
      {
        'package.json': pkg(),
        'package-lock.json': '{}',
        'node_modules/left-pad/package.json': pkg(),
        'vendor/github.com/x/y/go.mod': 'module y\nrequire z v1.0.0\n',
        'test/fixtures/app/package.json': pkg(),
      },
      {},
      { exclude: ['test/fixtures/**'] },
    );
    expect(data.manifests.map((m) => m.path)).toEqual(['package.json']);
  });

  it('does not require lockfiles where nothing is installed', async () => {
    const { data, resource } = await collectFrom({
      'package.json': JSON.stringify({ name: 'scripts', private: true, scripts: { lint: 'eslint .' } }),
      'pyproject.toml': '[tool.ruff]\nline-length = 100\n',
      'mod/go.mod': 'module m\n\ngo 1.22\n',
    });
    expect(data.manifests.map((m) => [m.path, m.lockfileRequired])).toEqual([
      ['mod/go.mod', false],
      ['package.json', false],
    ]);
    expect(data.manifestsWithoutLockfile).toEqual([]);
    expect(resource.notApplicable).toBe('no package manifest declares dependencies');
  });

  it('marks a repository with no manifests as not applicable', async () => {
    const { resource } = await collectFrom({ 'README.md': '# docs only' });
    expect(resource.data.manifestCount).toBe(0);
    expect(resource.notApplicable).toBe('no package manifests were found');
  });

  it('accepts fully pinned requirements files and reports the first unpinned line otherwise', async () => {
    const { data } = await collectFrom({
      'requirements.txt': '# pinned\nflask==3.0.3 \\\n    --hash=sha256:abc\n-r requirements-dev.txt\n',
      'requirements-dev.txt': 'pytest==8.2.0\nruff>=0.4\n',
    });
    expect(data.manifests.find((m) => m.path === 'requirements.txt')).toMatchObject({
      lockfile: 'requirements.txt',
      note: 'every requirement pinned with == and --hash',
    });
    expect(data.manifests.find((m) => m.path === 'requirements-dev.txt')?.note).toBe('line 2: "ruff>=0.4" is not pinned with ==');
    expect(data.manifestsWithoutLockfile).toEqual(['requirements-dev.txt']);
  });

  it('accepts hashed pip-compile output beside pyproject.toml', async () => {
    const { data } = await collectFrom({
      'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["flask"]\n',
      'requirements.txt': 'flask==3.0.3 --hash=sha256:abc\n',
    });
    expect(data.manifests.find((m) => m.path === 'pyproject.toml')?.lockfile).toBe('requirements.txt');
    expect(data.manifestsWithoutLockfile).toEqual([]);
  });

  it('in a git work tree, counts only committed lockfiles and names the ignored one', async () => {
    const { ev, data } = await collectFrom(
      { 'package.json': pkg(), '.gitignore': 'package-lock.json\n' },
      { git: true, untracked: { 'package-lock.json': '{}' } },
    );
    expect(ev.facts).toMatchObject({ fileListMethod: 'git' });
    expect(data.manifestsWithoutLockfile).toEqual(['package.json']);
    expect(data.untrackedLockfiles).toEqual(['package-lock.json']);
    expect(data.manifests[0]?.note).toContain('package-lock.json exists but is not committed');
    expect(ev.calls).toContainEqual(expect.objectContaining({ source: 'local', operation: 'stat', params: { path: 'package-lock.json' } }));
  });

  it('parses requirement pins with continuations and comments', () => {
    expect(inspectRequirements('a==1\nb===2  # exact\n-e .\ngit+https://x/y@0123456789abcdef0123456789abcdef01234567\n')).toEqual({
      requirements: 3,
      firstUnpinned: null,
      hashes: false,
    });
    expect(inspectRequirements('a>=1\n').firstUnpinned).toEqual({ line: 1, text: 'a>=1' });
  });

  describe('layouts package managers accept (issue 13)', () => {
    it('takes the folder itself into a pnpm workspace glob ending in /**', async () => {
      const { data } = await collectFrom({
        'package.json': JSON.stringify({ name: 'root', private: true }),
        'pnpm-workspace.yaml': 'packages:\n  - "tools/**"\n  - "packages/*"\n  - "!**/test/**"\n',
        'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
        'tools/package.json': pkg({ name: 'tools' }),
        'tools/codegen/package.json': pkg({ name: 'codegen' }),
        'packages/ui/package.json': pkg({ name: 'ui' }),
        'packages/ui/test/fixture-app/package.json': pkg({ name: 'fixture-app' }),
      });
      expect(data.manifestsWithoutLockfile).toEqual(['packages/ui/test/fixture-app/package.json']);
      expect(data.manifests.find((m) => m.path === 'tools/package.json')).toMatchObject({
        lockfile: 'pnpm-lock.yaml',
        lockfileRequired: false,
        note: 'workspace member of package.json, whose lockfile pnpm-lock.yaml covers it',
      });
    });

    it('never says a workspace root holds a lockfile it does not have, and reports the root', async () => {
      const { data } = await collectFrom({
        'package.json': JSON.stringify({ name: 'root', private: true }),
        'pnpm-workspace.yaml': 'packages:\n  - "apps/*"\n',
        'apps/web/package.json': pkg({ name: 'web' }),
      });
      expect(data.manifestsWithoutLockfile).toEqual(['package.json']);
      const web = data.manifests.find((m) => m.path === 'apps/web/package.json');
      expect(web).toMatchObject({ lockfile: null, lockfileRequired: false, note: 'workspace member of package.json, which has no committed lockfile (reported on package.json)' });
      for (const m of data.manifests) expect(m.note ?? '').not.toMatch(/holds the lockfile|whose lockfile/);
    });

    it('reports a member itself when its workspace root is excluded and has no lockfile', async () => {
      const { data } = await collectFrom({
        'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n',
        'crates/core/Cargo.toml': '[package]\nname = "core"\n',
      }, {}, { exclude: ['Cargo.toml'] });
      expect(data.manifestsWithoutLockfile).toEqual(['crates/core/Cargo.toml']);
      expect(data.manifests[0]?.note).toBe('Cargo workspace member of Cargo.toml, which has no committed lockfile');
    });

    it('counts the pip-compile or uv output a requirements file was compiled into, by its header or its name', async () => {
      const uvHeader = '# This file was autogenerated by uv via the following command:\n#    uv pip compile requirements-dev.txt --universal -c requirements-lock.txt -o requirements-dev-lock.txt\n';
      const pipHeader = (cmd: string) => `#\n# This file is autogenerated by pip-compile with Python 3.12\n# by the following command:\n#\n#    ${cmd}\n#\n`;
      const { data } = await collectFrom({
        'requirements.txt': 'django>=5.0\ncelery[redis]\n',
        'requirements-lock.txt': pipHeader('pip-compile --output-file=requirements-lock.txt requirements.txt') + 'django==5.0.6\n    # via -r requirements.txt\ncelery[redis]==5.4.0\n',
        'requirements-dev.txt': '-r requirements.txt\npytest\nruff\n',
        'requirements-dev-lock.txt': uvHeader + 'pytest==8.2.1\nruff==0.4.8\n',
        'docs/requirements.txt': 'mkdocs-material\n',
        'docs/requirements.lock': 'mkdocs-material==9.5.25\n',
        'backend/requirements.in': 'fastapi\n',
        'backend/constraints.txt': pipHeader('pip-compile --output-file=backend/constraints.txt backend/requirements.in') + 'fastapi==0.111.0\n',
        'requirements/test.in': 'hypothesis\n',
        'requirements/test.txt': pipHeader('pip-compile requirements/test.in') + 'hypothesis==6.103.0\n',
        'scripts/requirements-tools.txt': 'black\n',
      });
      expect(data.manifestsWithoutLockfile).toEqual(['scripts/requirements-tools.txt']);
      expect(Object.fromEntries(data.manifests.map((m) => [m.path, [m.lockfile, m.note]]))).toEqual({
        'backend/requirements.in': ['backend/constraints.txt', 'compiled into backend/constraints.txt (its header records the command)'],
        'docs/requirements.txt': ['docs/requirements.lock', 'docs/requirements.lock pins every requirement'],
        'requirements-dev.txt': ['requirements-dev-lock.txt', 'compiled into requirements-dev-lock.txt (its header records the command)'],
        'requirements.txt': ['requirements-lock.txt', 'compiled into requirements-lock.txt (its header records the command)'],
        'requirements/test.in': ['requirements/test.txt', 'compiled into requirements/test.txt (its header records the command)'],
        'requirements/test.txt': ['requirements/test.txt', 'pip-compile output: every requirement pinned'],
        'scripts/requirements-tools.txt': [null, 'line 1: "black" is not pinned with =='],
      });
    });

    it('reads the inputs of a compiled file from the command in its header', () => {
      const tracked = new Set(['a/requirements.in', 'a/extra.in', 'a/out.txt', 'pyproject.toml', 'req.txt']);
      const header = (cmd: string) => `# This file is autogenerated by pip-compile with Python 3.11\n# by the following command:\n#\n#    ${cmd}\n#\nx==1\n`;
      expect(compiledFrom('a/out.txt', header('pip-compile --generate-hashes --output-file=out.txt requirements.in extra.in'), tracked)).toEqual(['a/requirements.in', 'a/extra.in']);
      expect(compiledFrom('a/out.txt', header('pip-compile'), tracked)).toEqual(['a/requirements.in']);
      expect(compiledFrom('req.txt', '# This file was autogenerated by uv via the following command:\n#    uv pip compile pyproject.toml --extra dev -o req.txt\n', tracked)).toEqual(['pyproject.toml']);
      expect(compiledFrom('req.txt', 'x==1\n', tracked)).toEqual([]);
    });

    it('counts a pyproject.toml compiled into a lock by pip-compile or uv as locked', async () => {
      const { data } = await collectFrom({
        'pyproject.toml': '[project]\nname = "svc"\ndependencies = ["httpx"]\n',
        'requirements-lock.txt': '# This file was autogenerated by uv via the following command:\n#    uv pip compile pyproject.toml -o requirements-lock.txt\nhttpx==0.27.0\n',
      });
      expect(data.manifests).toEqual([
        { path: 'pyproject.toml', ecosystem: 'python', lockfile: 'requirements-lock.txt', lockfileRequired: true, note: 'compiled into requirements-lock.txt (its header records the command)' },
      ]);
    });

    it('covers Composer packages the root replaces with the root lockfile, and says when the root has none', async () => {
      const root = (replace: Record<string, string>) => JSON.stringify({ name: 'acme/platform', require: { php: '^8.2' }, replace });
      const sub = (name: string) => JSON.stringify({ name, require: { php: '^8.2', 'psr/log': '^3.0' } });
      const locked = await collectFrom({
        'composer.json': root({ 'acme/mail': 'self.version', 'acme/queue': 'self.version' }),
        'composer.lock': '{"packages": []}',
        'src/Acme/Mail/composer.json': sub('acme/mail'),
        'src/Acme/Queue/composer.json': sub('acme/queue'),
        'tools/php-cs/composer.json': sub('acme/php-cs-config'),
      });
      expect(locked.data.manifestsWithoutLockfile).toEqual(['tools/php-cs/composer.json']);
      expect(locked.data.manifests.find((m) => m.path === 'src/Acme/Mail/composer.json')).toMatchObject({
        lockfile: 'composer.lock',
        lockfileRequired: false,
        note: 'a package the root replaces (composer.json "replace") of composer.json, whose lockfile composer.lock covers it',
      });
      const unlocked = await collectFrom({ 'composer.json': root({ 'acme/mail': 'self.version' }), 'src/Acme/Mail/composer.json': sub('acme/mail') });
      expect(unlocked.data.manifestsWithoutLockfile).toEqual(['composer.json']);
      expect(unlocked.data.manifests[1]?.note).toBe('a package the root replaces (composer.json "replace") of composer.json, which has no committed lockfile (reported on composer.json)');
    });
  });
});
