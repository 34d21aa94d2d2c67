import { describe, expect, it } from 'vitest';
import { printableJson, printableLine, printableText } from '../../src/printable.js';

describe('printable', () => {
  it.each([
    ['an escape sequence', 'a\u001b[2Jb', 'a\ufffd[2Jb'],
    ['an OSC title change ended by BEL', '\u001b]0;owned\u0007', '\ufffd]0;owned\ufffd'],
    ['a C1 CSI', 'x\u009b31m', 'x\ufffd31m'],
    ['a carriage return that would overwrite the line', 'fail\rPASS', 'fail\ufffdPASS'],
    ['a newline that would forge a line', 'a\n PASS  GH-002', 'a\ufffd PASS  GH-002'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\ufffdb\ufffdc'],
    ['bidi overrides and isolates (Trojan Source)', 'x\u202ecod.exe\u202c \u2066y\u2069 \u202a\u202b\u202d\u2067\u2068', 'x\ufffdcod.exe\ufffd \ufffdy\ufffd \ufffd\ufffd\ufffd\ufffd\ufffd'],
    ['direction marks', '\u200e\u200f\u061c', '\ufffd\ufffd\ufffd'],
    ['DEL and NUL', '\u007f\u0000', '\ufffd\ufffd'],
  ])('printableLine neutralises %s', (_, input, expected) => {
    expect(printableLine(input)).toBe(expected);
  });

  it('leaves ordinary text alone, accents, CJK and emoji included', () => {
    const text = 'Évaluation — 検査 ✓ 🚀 “quoted” nw/api#7';
    expect(printableLine(text)).toBe(text);
  });

  it('printableText keeps newlines but nothing else', () => {
    expect(printableText('line 1\nline 2\r\n\u001b[31m\u202e')).toBe('line 1\nline 2\ufffd\n\ufffd[31m\ufffd');
  });

  it('printableJson escapes bidi characters and stays the same JSON', () => {
    const value = { title: 'a\u202eb\u2066c', n: 1 };
    const text = printableJson(value, 2);
    expect(text).toContain('a\\u202eb\\u2066c');
    expect(text).not.toMatch(/[\u202e\u2066]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
