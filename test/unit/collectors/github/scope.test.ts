import { describe, expect, it } from 'vitest';
import { outOfScopeReason, type RepoScope } from '../../../../src/collectors/github/scope.js';

const repo = (fullName: string, fork = false) => ({ name: fullName.split('/')[1]!, fullName, fork });
const scope = (include: string[], exclude: string[] = [], includeForks = false): RepoScope => ({ include, exclude, includeForks });

describe('collectors/github/scope', () => {
  it('matches a pattern without a slash against the repository name, case-insensitively', () => {
    expect(outOfScopeReason(repo('acme/API-gateway'), scope(['api-*']))).toBeUndefined();
    expect(outOfScopeReason(repo('acme/web'), scope(['api-*']))).toBe('not matched by github.repos.include');
    // The owner is not part of the name: `acme*` names repositories, not the organisation.
    expect(outOfScopeReason(repo('acme/web'), scope(['acme*']))).toBe('not matched by github.repos.include');
  });

  it('matches a pattern with a slash against owner/name', () => {
    expect(outOfScopeReason(repo('acme/api'), scope(['acme/*']))).toBeUndefined();
    expect(outOfScopeReason(repo('other/api'), scope(['acme/*']))).toBe('not matched by github.repos.include');
    expect(outOfScopeReason(repo('acme/api'), scope(['*/api']))).toBeUndefined();
    expect(outOfScopeReason(repo('acme/api'), scope(['acme/**']))).toBeUndefined();
  });

  it('names the exclude pattern that left a repository out, and leaves out forks unless asked', () => {
    expect(outOfScopeReason(repo('acme/sandbox-1'), scope(['*'], ['sandbox-*']))).toBe('excluded by github.repos.exclude "sandbox-*"');
    expect(outOfScopeReason(repo('acme/sandboxed'), scope(['*'], ['sandbox-*']))).toBeUndefined();
    expect(outOfScopeReason(repo('acme/fork', true), scope(['*']))).toMatch(/^a fork/);
    expect(outOfScopeReason(repo('acme/fork', true), scope(['*'], [], true))).toBeUndefined();
  });
});
