import { afterEach, describe, expect, it, vi } from 'vitest';
import { exitCodeForError } from '../../../src/cli/main.js';
import { ConfigError, UsageError, CollectorError } from '../../../src/errors.js';

describe('cli/main (errors → exit codes)', () => {
  let written = '';
  afterEach(() => vi.restoreAllMocks());
  const capture = () => {
    written = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += String(chunk);
      return true;
    });
  };

  it('maps user mistakes to exit 2 with the message and what to do, and no stack trace', async () => {
    capture();
    expect(await exitCodeForError(new UsageError('Unknown report format "pdf".', 'Formats: markdown, html.'), false)).toBe(2);
    expect(written).toBe('soc2: Unknown report format "pdf".\nFormats: markdown, html.\n');
    capture();
    expect(await exitCodeForError(new ConfigError([{ file: 'soc2.config.yaml', line: 2, col: 1, path: 'x', message: 'unknown key "x".' }]), false)).toBe(2);
    expect(written).toContain('soc2.config.yaml:2:1 x: unknown key "x".');
    expect(written).not.toMatch(/\n\s+at /);
  });

  it('treats anything that is not a soc2 error as a bug: exit 4, said plainly, stack only with --debug', async () => {
    capture();
    expect(await exitCodeForError(new TypeError('Cannot read properties of undefined'), false)).toBe(4);
    expect(written).toContain('soc2: internal error: Cannot read properties of undefined');
    expect(written).toContain('This is a bug in soc2');
    expect(written).not.toMatch(/\n\s+at /);
    capture();
    await exitCodeForError(new TypeError('boom'), true);
    expect(written).toMatch(/\n\s+at /);
  });

  it('keeps the exit code a collector error carries', async () => {
    capture();
    expect(await exitCodeForError(new CollectorError('throttled', 'rate-limit'), false)).toBe(3);
  });
});
