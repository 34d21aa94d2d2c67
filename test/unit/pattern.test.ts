import { describe, expect, it } from 'vitest';
import { compileLinear, patternProblem, PatternSyntaxError } from '../../src/pattern.js';
import { operators } from '../../src/engine/operators.js';

describe('pattern', () => {
  it('matches like RegExp.test for the patterns controls use', () => {
    for (const [source, text, expected] of [
      ['^COMPLIANT', 'COMPLIANT', true],
      ['^COMPLIANT', 'NON_COMPLIANT', false],
      ['^northwind/', 'northwind/api', true],
      ['\\d{3}', 'GH-002', true],
      ['(?i)^main$', 'MAIN', true],
    ] as const) {
      expect(compileLinear(source).test(text), source).toBe(expected);
      expect(new RegExp(source.replace('(?i)', ''), source.startsWith('(?i)') ? 'i' : '').test(text)).toBe(expected);
    }
    expect(compileLinear('^acme-.*$', { ignoreCase: true }).test('ACME-api')).toBe(true);
  });

  it('answers a pattern built to backtrack against a long input (RegExp would not finish)', () => {
    expect(operators.matches!(`${'a'.repeat(5000)}!`, '^([A-Za-z_ ]+)*$')).toBe(false);
    expect(operators.matches!('a'.repeat(5000), '^([A-Za-z_ ]+)*$')).toBe(true);
    expect(compileLinear(`^${'.*a'.repeat(20)}.*b$`).test('a'.repeat(3000))).toBe(false);
  });

  it('refuses backreferences and lookaround with the reason and what to do instead', () => {
    expect(patternProblem('(a)\\1')).toBe('invalid regular expression: invalid escape sequence: `\\1`. soc2 matches with RE2, which runs in linear time and so has no backreferences (\\1) or lookaround ((?=…), (?!…), (?<=…)); rewrite the pattern without them, or split it into several assertions.');
    expect(patternProblem('^(?!release/)')).toMatch(/^invalid regular expression: invalid or unsupported Perl syntax: `\(\?!`\. soc2 matches with RE2/);
    expect(patternProblem('(?<=a)b')).toMatch(/lookaround/);
    expect(patternProblem('[a-')).toBe('invalid regular expression: missing closing ]: `[a-`.');
    expect(patternProblem('^main$')).toBeUndefined();
    expect(() => compileLinear('(')).toThrow(PatternSyntaxError);
  });
});
