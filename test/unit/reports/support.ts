/**
 * Shared by the renderer tests: loading the results fixtures, shuffling every order-free array
 * (to prove renderers sort for themselves), and a small strict XML 1.0 well-formedness parser so
 * the JUnit file is checked by structure, not by regular expressions.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readResults, type Results } from '../../../src/results.js';

export const FIXTURES = ['sample', 'minimal'] as const;
export type FixtureName = (typeof FIXTURES)[number];

export function loadResults(name: FixtureName): Results {
  const path = fileURLToPath(new URL(`../../fixtures/results/${name}.json`, import.meta.url));
  return readResults(JSON.parse(readFileSync(path, 'utf8')));
}

/** results.json 1.0.0 (every finding listed, evidence per control): what an older soc2 wrote. */
export function loadLegacyResults(): Results {
  const path = fileURLToPath(new URL('../../fixtures/results/legacy-1.0.0-sample.json', import.meta.url));
  return readResults(JSON.parse(readFileSync(path, 'utf8')));
}

/** Deterministic Fisher–Yates with a tiny LCG: a failing shuffle test can be replayed. */
function shuffle<T>(items: readonly T[], seed: { s: number }): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    seed.s = (seed.s * 1103515245 + 12345) % 2147483648;
    const j = seed.s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A copy with controls, findings, evidence, criteria and criteria's control lists in another order. */
export function shuffled(r: Results, seedValue: number): Results {
  const seed = { s: seedValue };
  return {
    ...r,
    criteria: shuffle(r.criteria, seed).map((c) => ({ ...c, controls: shuffle(c.controls, seed) })),
    controls: shuffle(r.controls, seed).map((c) => ({ ...c, findings: shuffle(c.findings, seed), evidence: shuffle(c.evidence, seed) })),
  };
}

// ---------------------------------------------------------------------------------------------
// XML

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
}
export type XmlNode = XmlElement | { text: string };

const NAME = /^[A-Za-z_:][A-Za-z0-9._:-]*/;
/** XML 1.0 Char production (as UTF-16: surrogate pairs are checked separately). */
const ILLEGAL_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\uD800-\uDFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function decode(raw: string, at: number): string {
  return raw.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
    if (ref === undefined) throw new Error(`bare & at ${at}`);
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (ref in named) return named[ref]!;
    const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9A-Fa-f]+)$/.exec(ref);
    if (!num) throw new Error(`unknown entity ${m} at ${at}`);
    const cp = parseInt(num[1]!, ref.startsWith('#x') ? 16 : 10);
    const ch = String.fromCodePoint(cp);
    if (ILLEGAL_CHAR.test(ch)) throw new Error(`character reference to an illegal character ${m} at ${at}`);
    return ch;
  });
}

/** Parses a whole document; throws with a position on the first well-formedness error. */
export function parseXml(src: string): XmlElement {
  const bad = ILLEGAL_CHAR.exec(src);
  if (bad) throw new Error(`illegal XML character U+${bad[0].codePointAt(0)!.toString(16)} at ${bad.index}`);
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`${msg} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const skipSpace = () => {
    while (i < src.length && /[ \t\r\n]/.test(src[i]!)) i++;
  };
  const misc = () => {
    for (;;) {
      skipSpace();
      if (src.startsWith('<!--', i)) comment();
      else return;
    }
  };
  const comment = () => {
    const end = src.indexOf('-->', i + 4);
    if (end < 0) fail('unterminated comment');
    const body = src.slice(i + 4, end);
    if (body.includes('--') || body.endsWith('-')) fail('"--" inside a comment');
    i = end + 3;
  };
  const name = (): string => {
    const m = NAME.exec(src.slice(i));
    if (!m) return fail('expected a name');
    i += m[0].length;
    return m[0];
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected <');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [] };
    for (;;) {
      const before = i;
      skipSpace();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected whitespace before an attribute');
      const an = name();
      if (an in el.attrs) fail(`duplicate attribute ${an}`);
      skipSpace();
      if (src[i] !== '=') fail('expected =');
      i++;
      skipSpace();
      const q = src[i];
      if (q !== '"' && q !== "'") return fail('expected a quoted attribute value');
      const end = src.indexOf(q, i + 1);
      if (end < 0) fail('unterminated attribute value');
      const raw = src.slice(i + 1, end);
      if (raw.includes('<')) fail('< inside an attribute value');
      el.attrs[an] = decode(raw, i);
      i = end + 1;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail(`unclosed element <${el.name}>`);
      const raw = src.slice(i, lt);
      if (raw.includes(']]>')) fail(']]> in text');
      if (raw) el.children.push({ text: decode(raw, i) });
      i = lt;
      if (src.startsWith('</', i)) {
        i += 2;
        const close = name();
        if (close !== el.name) fail(`</${close}> closes <${el.name}>`);
        skipSpace();
        if (src[i] !== '>') fail('expected >');
        i++;
        return el;
      }
      if (src.startsWith('<!--', i)) comment();
      else if (src.startsWith('<![CDATA[', i)) {
        const end = src.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA');
        el.children.push({ text: src.slice(i + 9, end) });
        i = end + 3;
      } else el.children.push(element());
    }
  };

  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) fail('unterminated XML declaration');
    if (!/^<\?xml version="1\.0"( encoding="UTF-8")?\?>$/.test(src.slice(0, end + 2))) fail('unexpected XML declaration');
    i = end + 2;
  }
  misc();
  const root = element();
  misc();
  if (i !== src.length) fail('content after the root element');
  return root;
}

export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => 'name' in c && (name === undefined || c.name === name));
}

export function textOf(el: XmlElement): string {
  return el.children.map((c) => ('text' in c ? c.text : textOf(c))).join('');
}
