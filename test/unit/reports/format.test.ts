import { describe, expect, it } from 'vitest';
import {
  cleanText,
  compareCriteria,
  deviationText,
  escapeHtml,
  escapeXml,
  escapeXmlAttr,
  exitCodeMeaning,
  mdCode,
  mdText,
  sortControlsForReport,
  sortFindings,
} from '../../../src/reports/format.js';
import type { ControlResult, Finding } from '../../../src/results.js';
import { loadResults } from './support.js';

describe('reports/format', () => {
  describe('mdText', () => {
    it('turns HTML-significant characters into entities so Markdown cannot pass raw HTML through', () => {
      expect(mdText('<script>alert(1)</script> & co')).toBe('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    });

    it('backslash-escapes pipes, backticks, emphasis, brackets, strikethrough and math', () => {
      expect(mdText('a|b `c` *d* _e_ [f](g) ~h~ $i$ \\j')).toBe('a\\|b \\`c\\` \\*d\\* \\_e\\_ \\[f\\](g) \\~h\\~ \\$i\\$ \\\\j');
    });

    it('keeps the text on one Markdown line, so it can neither start a block nor break a table row', () => {
      expect(mdText('first\nsecond\r\nthird')).toBe('first<br>second<br>third');
    });

    it('defuses a leading heading, bullet or ordered-list marker but leaves version numbers alone', () => {
      expect(mdText('# heading')).toBe('\\# heading');
      expect(mdText('- item')).toBe('\\- item');
      expect(mdText('1. item')).toBe('1\\. item');
      expect(mdText('0.1.0')).toBe('0.1.0');
      expect(mdText('    indented')).toBe('indented');
    });

    it('keeps unicode intact', () => {
      expect(mdText('Füße 🚀 日本')).toBe('Füße 🚀 日本');
    });
  });

  describe('mdCode', () => {
    it('uses a code span only when nothing in the text could break out of it', () => {
      expect(mdCode('evidence/aws/x.json')).toBe('`evidence/aws/x.json`');
      expect(mdCode('a`b')).toBe('a\\`b');
      expect(mdCode('a|b')).toBe('a\\|b');
      expect(mdCode('<b>')).toBe('&lt;b&gt;');
    });
  });

  describe('escapeHtml / escapeXml', () => {
    it('escapes all five markup characters', () => {
      expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
      expect(escapeXml(`<"'&>`)).toBe('&lt;&quot;&apos;&amp;&gt;');
    });

    it('keeps line breaks in XML attributes as character references', () => {
      expect(escapeXmlAttr('a\nb\tc')).toBe('a&#10;b&#9;c');
    });

    it('replaces characters XML 1.0 forbids, and lone surrogates, with U+FFFD', () => {
      expect(cleanText('a\u0000b\u001bc\u007fd\uFFFEe\uD800f')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf');
      expect(cleanText('tab\tnewline\n🚀')).toBe('tab\tnewline\n🚀');
    });
  });

  describe('ordering', () => {
    it('orders criteria as the TSC catalogue does: CC, then A, C, PI, P; numbers numerically', () => {
      const ids = ['P1.1', 'PI1.1', 'C1.1', 'A1.1', 'CC10.1', 'CC9.1', 'CC1.2', 'CC1.10', 'X1', 'CC1.1'];
      expect([...ids].sort(compareCriteria)).toEqual(['CC1.1', 'CC1.2', 'CC1.10', 'CC9.1', 'CC10.1', 'A1.1', 'C1.1', 'PI1.1', 'P1.1', 'X1']);
    });

    it('puts failing controls first, most severe first, then errors, manual, excepted, attested, passing, not applicable', () => {
      const order = sortControlsForReport(loadResults('sample').controls).map((c) => `${c.status}:${c.id}`);
      expect(order).toEqual([
        'fail:AWS-010',
        'fail:GH-002',
        'fail:REPO-003',
        'error:AWS-001',
        'manual:POL-001',
        'excepted:GH-010',
        'attested:POL-002',
        'pass:GH-001',
        'pass:GH-003',
        'not_applicable:AWS-020',
      ]);
    });

    it('sorts findings by resource, then region and account, by code unit rather than locale', () => {
      const f = (resource: string, region?: string): Finding => ({ resource, region, status: 'pass', message: resource });
      const sorted = sortFindings([f('b'), f('a', 'us-east-1'), f('B'), f('a', 'eu-west-1'), f('ä')]);
      expect(sorted.map((x) => `${x.resource}@${x.region ?? ''}`)).toEqual(['B@', 'a@eu-west-1', 'a@us-east-1', 'b@', 'ä@']);
    });
  });

  describe('wording', () => {
    it('states deviations as "n deviations of N items", leaving not-applicable items out of N', () => {
      const gh002 = loadResults('sample').controls.find((c) => c.id === 'GH-002') as ControlResult;
      expect(deviationText(gh002)).toBe('3 deviations of 5 items; 1 excepted; 1 not applicable');
      const none = { resources: 0, pass: 0, fail: 0, error: 0, excepted: 0, notApplicable: 0 };
      expect(deviationText({ findings: [], counts: none })).toBe('0 deviations of 0 items');
      // Passing items come from the counts: results.json 2.0.0 lists no passing findings.
      expect(deviationText({ findings: [], counts: { ...none, resources: 4000, pass: 4000 } })).toBe('0 deviations of 4000 items');
    });

    it('explains every exit code of the run contract', () => {
      expect(exitCodeMeaning(0, 'low')).toMatch(/no control fails/);
      expect(exitCodeMeaning(1, 'high')).toMatch(/at or above the fail-on threshold \(high\)/);
      expect(exitCodeMeaning(3, 'low')).toMatch(/ended in error/);
      expect(exitCodeMeaning(9, 'low')).toMatch(/does not define/);
    });
  });
});
