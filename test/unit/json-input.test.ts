import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonSyntaxError, parseJsonInput } from '../../src/json-input.js';
import { InputFileError } from '../../src/input-file.js';
import { formatIssue } from '../../src/errors.js';

function message(text: string): string {
  try {
    parseJsonInput(text, { display: 'r.json' });
  } catch (e) {
    if (e instanceof InputFileError) return formatIssue(e.issue);
    throw e;
  }
  return 'valid';
}

describe('json-input', () => {
  it.each([
    ['{"a": 1}', 'valid'],
    ['', 'r.json:1:1 is not valid JSON: expected a value, found the end of the file.'],
    ['{\n  "a": 1,\n}', 'r.json:3:1 is not valid JSON: expected a property name in double quotes, found "}".'],
    ['[1, 2\n', "r.json:2:1 is not valid JSON: expected ',' or ']', found the end of the file."],
    ['{"a" 1}', "r.json:1:6 is not valid JSON: expected ':' after the property name, found \"1\"."],
    ['{"a": "x\u001b[2J"}', 'r.json:1:9 is not valid JSON: a control character inside a string (write it as an escape such as \\n or \\u0000).'],
    ['{"a": "\\x"}', 'r.json:1:8 is not valid JSON: an invalid escape in a string.'],
    ['{"a": "open', 'r.json:1:7 is not valid JSON: a string that never ends (missing closing ").'],
    ['{} {}', 'r.json:1:4 is not valid JSON: unexpected "{" after the end of the JSON value.'],
    ['[01]', "r.json:1:3 is not valid JSON: expected ',' or ']', found \"1\"."],
  ])('%j → %s', (text, expected) => {
    expect(message(text)).toBe(expected);
  });

  it('refuses nesting deeper than anything soc2 writes, without exhausting the stack', () => {
    expect(message(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe('r.json:1:129 nests more than 128 levels deep here; no file soc2 writes does.');
  });

  it('finds an error exactly when JSON.parse does, for any text', () => {
    const valid = (t: string) => {
      try {
        JSON.parse(t);
        return true;
      } catch {
        return false;
      }
    };
    const jsonish = fc.oneof(
      fc.json(),
      fc.json().map((t) => t.slice(0, Math.floor(t.length / 2))),
      fc.tuple(fc.json(), fc.nat(), fc.constantFrom(',', '}', ']', '"', ':', ' ', '\n', '\\', '\u0001', 'x', '0')).map(([t, i, ch]) => t.slice(0, i % (t.length + 1)) + ch + t.slice(i % (t.length + 1))),
      fc.string({ maxLength: 12 }),
    );
    fc.assert(fc.property(jsonish, (t) => {
      expect(jsonSyntaxError(t) === undefined).toBe(valid(t));
    }), { numRuns: 3000 });
  });
});
