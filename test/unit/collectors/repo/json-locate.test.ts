import { describe, expect, it } from 'vitest';
import { keyLine } from '../../../../src/collectors/repo/json-locate.js';

describe('collectors/repo/json-locate', () => {
  const text = `{
  // a comment with "enabled": false in it
  /* and a block
     enabled: false */
  'packageRules': [{ enabled: false, nested: { enabled: false } }],
  "str": "a \\" enabled: false",
  renovate: {
    enabled: false,
  },
  enabled: true,
}`;

  it('finds a key by its object path, never inside arrays, strings or comments', () => {
    expect(keyLine(text, ['enabled'])).toBe(10);
    expect(keyLine(text, ['renovate', 'enabled'])).toBe(8);
    expect(keyLine(text, ['packageRules'])).toBe(5);
    expect(keyLine(text, ['nested', 'enabled'])).toBeUndefined();
    expect(keyLine(text, ['missing'])).toBeUndefined();
  });

  it('reads plain JSON as well', () => {
    expect(keyLine(JSON.stringify({ a: { b: [1, { b: 2 }], c: 3 } }, null, 2), ['a', 'c'])).toBe(9);
  });
});
