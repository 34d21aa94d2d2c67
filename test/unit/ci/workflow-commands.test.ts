import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { escapeData, escapeProperty, limitAnnotations, renderAnnotations, workflowCommand, type Annotation } from '../../../src/ci/workflow-commands.js';

/** How the Actions runner decodes what escapeData/escapeProperty wrote (its unescape tables). */
function unescapeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
function unescapeProperty(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

describe('ci/workflow-commands', () => {
  it('escapes % CR LF in data, and also : , in properties, % first', () => {
    expect(escapeData('100% done\r\nnext: a, b')).toBe('100%25 done%0D%0Anext: a, b');
    expect(escapeProperty('GH-002 (high): a, b%\n')).toBe('GH-002 (high)%3A a%2C b%25%0A');
    expect(escapeData('%0A already escaped')).toBe('%250A already escaped');
  });

  it('keeps a pull request title with a line break and ::set-env on the annotation line it belongs to', () => {
    const title = 'Fix\n::set-env name=NODE_OPTIONS::--require=/tmp/x.js\r\n::add-mask::secret %0A';
    const out = renderAnnotations([{ level: 'error', title: `soc2 GH-028 (high): ${title}`, message: `acme/api#7 “${title}”: not approved.` }]);
    const lines = out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^::error title=soc2 GH-028 \(high\)%3A Fix%0A%3A%3Aset-env name=NODE_OPTIONS%3A%3A--require=\/tmp\/x.js%0D%0A%3A%3Aadd-mask%3A%3Asecret %250A::acme\/api#7 “Fix%0A::set-env/);
  });

  it('round-trips any text through the runner\'s decoding, on exactly one line', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (title, message) => {
      const line = workflowCommand('warning', { title }, message);
      expect(line).not.toMatch(/[\r\n]/);
      const m = /^::warning title=([^:]*)::(.*)$/s.exec(line)!;
      expect(m).not.toBeNull();
      expect(m[1]).not.toMatch(/,/); // a comma would start another property
      expect(unescapeProperty(m[1]!)).toBe(title);
      expect(unescapeData(m[2]!)).toBe(message);
    }));
  });

  it('keeps at most 10 of each level, the tenth naming the rest', () => {
    const many = (level: Annotation['level'], n: number): Annotation[] => Array.from({ length: n }, (_, i) => ({ level, title: `soc2 C-${i}`, message: 'm', subject: `C-${i}` }));
    const limited = limitAnnotations([...many('error', 14), ...many('warning', 10)], 'soc2-report/report.md');
    const errors = limited.filter((a) => a.level === 'error');
    expect(errors).toHaveLength(10);
    expect(errors.slice(0, 9).map((a) => a.subject)).toEqual(['C-0', 'C-1', 'C-2', 'C-3', 'C-4', 'C-5', 'C-6', 'C-7', 'C-8']);
    expect(errors[9]).toEqual({ level: 'error', title: 'soc2: 5 more errors not annotated', message: 'GitHub shows 10 error annotations per step. Also: C-9, C-10, C-11, C-12, C-13. Every one is in soc2-report/report.md.' });
    // exactly at the limit: all ten, no summary
    expect(limited.filter((a) => a.level === 'warning').map((a) => a.subject)).toEqual(many('warning', 10).map((a) => a.subject));
  });

  it('shortens very long titles and messages, at a code point', () => {
    const out = renderAnnotations([{ level: 'warning', title: '🚀'.repeat(300), message: 'x'.repeat(5000) }]);
    const m = /^::warning title=(.*)::(.*)\n$/.exec(out)!;
    expect([...m[1]!]).toHaveLength(200);
    expect(m[1]!.endsWith('🚀…')).toBe(true);
    expect(m[2]).toHaveLength(4000);
  });
});
