import { describe, expect, it } from 'vitest';
import { compileGlob, globMatches } from '../../../src/util/glob.js';

describe('util/glob', () => {
  it('keeps `*` and `?` within one segment', () => {
    expect(globMatches('packages/*', 'packages/api')).toBe(true);
    expect(globMatches('packages/*', 'packages/api/src')).toBe(false);
    expect(globMatches('a*c', 'abbc')).toBe(true);
    // Before one dialect, github.repos globs let `*` cross '/': this matched.
    expect(globMatches('a*c', 'a/b/c')).toBe(false);
    expect(globMatches('a?c', 'abc')).toBe(true);
    expect(globMatches('a?c', 'a/c')).toBe(false);
  });

  it('lets `**` span any number of segments, and `**/` none at all', () => {
    expect(globMatches('a/**', 'a/b/c/d')).toBe(true);
    expect(globMatches('a**c', 'a/b/c')).toBe(true);
    expect(globMatches('**/fixtures/**', 'fixtures/a.json')).toBe(true);
    expect(globMatches('**/fixtures/**', 'test/unit/fixtures/a.json')).toBe(true);
    // Before one dialect, github.repos globs read `**/` as two stars and a slash: this did not match.
    expect(globMatches('acme/**/api', 'acme/api')).toBe(true);
    expect(globMatches('**/fixtures/**', 'test/fixtures-old/a.json')).toBe(false);
  });

  it('reads every other character literally', () => {
    expect(globMatches('a.b+(c)', 'a.b+(c)')).toBe(true);
    expect(globMatches('a.b', 'axb')).toBe(false);
    expect(globMatches('[ab]', 'a')).toBe(false);
    expect(globMatches('^a$', '^a$')).toBe(true);
  });

  it('matches the whole value, case-sensitively unless asked', () => {
    expect(globMatches('api', 'my-api')).toBe(false);
    expect(globMatches('API-*', 'api-gateway')).toBe(false);
    expect(globMatches('API-*', 'api-gateway', { ignoreCase: true })).toBe(true);
    expect(compileGlob('*.md').test('README.md')).toBe(true);
  });
});
