import { describe, expect, it } from 'vitest';
import { compileCodeownersPattern, segmentMatches, isCatchAll } from '../../../../src/collectors/repo/codeowners-match.js';

/** pattern → [path, matches?]: GitHub's documented rules, each with a path on both sides of it. */
const CASES: Record<string, Array<[string, boolean]>> = {
  // One name without a slash matches at any depth, and everything below a directory of that name.
  'Makefile': [['Makefile', true], ['tools/Makefile', true], ['Makefile/inner.mk', true], ['Makefile.am', false]],
  '*.js': [['app.js', true], ['web/src/app.js', true], ['app.jsx', false], ['js/app.ts', false]],
  // A trailing slash: every file below that directory, at any depth, wherever the directory is.
  'apps/': [['apps/web/index.ts', true], ['services/apps/x', true], ['apps', false], ['myapps/x', false]],
  // A leading slash anchors at the root.
  '/build/logs/': [['build/logs/a.log', true], ['build/logs/2026/b.log', true], ['src/build/logs/a.log', false]],
  '/apps/github': [['apps/github', true], ['apps/github/readme.md', true], ['apps/githubber', false], ['x/apps/github', false]],
  // A slash inside anchors too.
  'docs/api': [['docs/api/v1.md', true], ['site/docs/api/v1.md', false]],
  // A lone `*` as the last part stops at one level: docs/* has docs/a.md, not docs/b/c.md.
  'docs/*': [['docs/getting-started.md', true], ['docs/build-app/troubleshooting.md', false], ['x/docs/a.md', false]],
  '/*': [['README.md', true], ['.gitignore', true], ['src/index.ts', false], ['a/b/c', false]],
  // `**` spans directories.
  '**/logs': [['logs', true], ['build/logs', true], ['a/b/logs/x.log', true], ['logsx', false]],
  '/src/**/test.ts': [['src/test.ts', true], ['src/a/b/test.ts', true], ['lib/src/test.ts', false]],
  'src/**': [['src/a.ts', true], ['src/a/b.ts', true], ['src', false]],
  '?.md': [['a.md', true], ['ab.md', false]],
  'my\\ file.txt': [['docs/my file.txt', true], ['docs/my_file.txt', false]],
};

describe('collectors/repo/codeowners-match', () => {
  for (const [pattern, cases] of Object.entries(CASES)) {
    it(`matches ${pattern} by GitHub's rules`, () => {
      const p = compileCodeownersPattern(pattern);
      for (const [path, expected] of cases) expect(p.matches(path), `${pattern} vs ${path}`).toBe(expected);
    });
  }

  it('calls only patterns that cover every file a catch-all, and /* is not one', () => {
    for (const p of ['*', '**', '/**', '**/*', '/**/*']) expect(isCatchAll(p), p).toBe(true);
    for (const p of ['/*', '*.*', '*/**', 'src/', '/*/', '.*']) expect(isCatchAll(p), p).toBe(false);
  });

  it('matches a hostile pattern against a long name without backtracking for ever', () => {
    const name = 'a'.repeat(5000);
    expect(segmentMatches('*a*a*a*a*a*a*a*a*a*a*b', name)).toBe(false);
    expect(compileCodeownersPattern('**/**/**/**/**/**/x').matches(Array.from({ length: 200 }, () => 'd').join('/'))).toBe(false);
  });
});
