import { describe, expect, it } from 'vitest';
import { parseYamlText, MAX_YAML_NESTING } from '../../src/yaml-source.js';
import { formatIssue } from '../../src/errors.js';

const problems = (text: string) => parseYamlText(text, 'f.yaml').syntaxIssues.map(formatIssue);

describe('yaml-source', () => {
  it('parses ordinary YAML, aliases included, and keeps positions', () => {
    const src = parseYamlText('base: &b { minApprovals: 2 }\nparams: *b\n', 'f.yaml');
    expect(src.syntaxIssues).toEqual([]);
    expect(src.value).toEqual({ base: { minApprovals: 2 }, params: { minApprovals: 2 } });
    expect(src.bytes.toString()).toBe('base: &b { minApprovals: 2 }\nparams: *b\n');
  });

  it('refuses an alias bomb at the first alias, before expanding it', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++) levels.push(`${'abcdefghi'[i]}: &${'abcdefghi'[i]} [${Array(9).fill(`*${'abcdefghi'[i - 1]}`).join(', ')}]`);
    expect(problems(levels.join('\n') + '\n')).toEqual(['f.yaml:2:8 YAML aliases here would expand more than 100 times (an alias bomb); soc2 refuses such files. Write the values out instead of aliasing them.']);
  });

  it('names an alias without an anchor, where it is', () => {
    expect(problems('a: 1\nb: [1, *nowhere]\n')).toEqual(['f.yaml:2:8 YAML alias *nowhere refers to no anchor: define &nowhere before it, or write the value out.']);
  });

  it('refuses a value that contains itself through an alias (it would never end)', () => {
    expect(problems('assert: &loop { not: *loop }\n')).toEqual(['f.yaml:1:22 an alias refers to a mapping or list that contains it, so the value would never end; write the value out instead.']);
  });

  it.each([
    ['flow', (n: number) => `a: ${'['.repeat(n)}${']'.repeat(n)}\n`],
    ['block', (n: number) => `${'- '.repeat(n)}x\n`],
    ['mixed', (n: number) => `${'k: '.repeat(1)}${'{a: '.repeat(n)}1${'}'.repeat(n)}\n`],
  ])('accepts %s nesting up to the limit and refuses deeper nesting', (_, nest) => {
    const within = parseYamlText(nest(MAX_YAML_NESTING - 1), 'f.yaml');
    expect(within.syntaxIssues).toEqual([]);
    const issues = problems(nest(MAX_YAML_NESTING + 5));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatch(/^f\.yaml:1:\d+ YAML nests more than 64 levels deep here/);
  });

  it('refuses nesting deep enough to exhaust the parser\'s stack, without trying', () => {
    expect(problems(`a: ${'['.repeat(100_000)}${']'.repeat(100_000)}\n`)[0]).toMatch(/YAML nests more than 64 levels deep/);
  });

  it('refuses aliases that nest a value deeper than the limit once expanded', () => {
    const lines = ['l0: &l0 [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]'];
    for (let i = 1; i < 4; i++) lines.push(`l${i}: &l${i} [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[*l${i - 1}]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`);
    expect(problems(lines.join('\n') + '\n')).toEqual(['f.yaml:2:39 once its aliases are expanded the YAML nests more than 64 levels deep; write the values out or flatten them.']);
  });

  it('says how to fix a file with two documents', () => {
    expect(problems('a: 1\n---\nb: 2\n')).toEqual(['f.yaml:2:1 YAML syntax error: the file holds more than one YAML document; remove the "---" separator and keep one']);
  });

  it('still reports syntax errors and duplicate keys with their position', () => {
    expect(problems('a: 1\na: 2\n')).toEqual(['f.yaml:2:1 YAML syntax error: Map keys must be unique']);
  });
});
