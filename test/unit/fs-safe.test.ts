import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OutputPathError, mkdirNoFollow, writeFileAtomic } from '../../src/fs-safe.js';
import { tempDir } from '../helpers/tmp.js';

describe('fs-safe', () => {
  it('replaces a file whole and leaves no temporary file beside it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'report.md'), 'old\n');
    writeFileAtomic(join(dir, 'report.md'), 'new\n');
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe('new\n');
    expect(readdirSync(dir)).toEqual(['report.md']);
  });

  it('refuses to write where a link is, even a dangling one, and creates nothing at its target', () => {
    const dir = tempDir();
    symlinkSync(join(dir, 'target-that-does-not-exist'), join(dir, 'report.html'));
    expect(() => writeFileAtomic(join(dir, 'report.html'), 'x')).toThrow(OutputPathError);
    expect(existsSync(join(dir, 'target-that-does-not-exist'))).toBe(false);
    expect(readdirSync(dir)).toEqual(['report.html']);
  });

  it('removes its temporary file when the final rename fails (a directory where the file goes)', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'results.json'));
    writeFileSync(join(dir, 'results.json', 'inside'), '');
    expect(() => writeFileAtomic(join(dir, 'results.json'), '{}')).toThrow(/EISDIR|ENOTDIR|EEXIST|ENOTEMPTY/);
    expect(readdirSync(dir)).toEqual(['results.json']);
  });

  it('creates a directory, accepts an existing one, and refuses a link in its place', () => {
    const dir = tempDir();
    mkdirNoFollow(join(dir, 'evidence'));
    mkdirNoFollow(join(dir, 'evidence'));
    symlinkSync(tempDir(), join(dir, 'github'));
    expect(() => mkdirNoFollow(join(dir, 'github'))).toThrow(/github is a symbolic link/);
  });
});
