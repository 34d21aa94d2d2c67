import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { csvCell, csvTable } from '../../src/csv.js';
import { directCommitRow, toCsv } from '../../src/collectors/github/change-rows.js';

/** An RFC 4180 reader, to check that what is written reads back as the same cells. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else cell += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') cell += text[i++];
    }
    row.push(cell);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    }
  }
  return rows;
}

describe('csv', () => {
  it.each([
    ['=HYPERLINK("http://x","click")', `"'=HYPERLINK(""http://x"",""click"")"`],
    ['+1+cmd|\' /C calc\'!A0', `'+1+cmd|' /C calc'!A0`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['\t=1+1', `"'\t=1+1"`],
    ['\r=1+1', `"'\r=1+1"`],
    ['＝1+1', `'＝1+1`],
    ['＋1', `'＋1`],
    ['－1', `'－1`],
    ['＠SUM(A1)', `'＠SUM(A1)`],
    ['  =1+1', `'  =1+1`],
    ['a;=1+1', `"a;=1+1"`],
    ['a,=1+1', `"a,=1+1"`],
    ['line\n=1+1', `"line\n=1+1"`],
    ['bell\u0007 and \u001b[31m', 'bell\ufffd and \ufffd[31m'],
    ['fix: handle a=b in titles', 'fix: handle a=b in titles'],
    ['', ''],
  ])('%j → %s', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('writes a header and CRLF-ended rows', () => {
    expect(csvTable(['id', 'title'], [['nw/api#1', 'Add CI'], ['nw/api#2', '=cmd']])).toBe("id,title\r\nnw/api#1,Add CI\r\nnw/api#2,'=cmd\r\n");
  });

  it('reads back as the same cells (defused cells with their leading quote), whatever the text', () => {
    const cellText = fc.string({ unit: fc.constantFrom('a', ' ', ',', ';', '"', '\n', '\r', '\t', '=', '+', '-', '@', '＝', 'é', '\u0001'), maxLength: 12 });
    fc.assert(fc.property(fc.array(fc.array(cellText, { minLength: 2, maxLength: 2 }), { maxLength: 4 }), (rows) => {
      const read = parseCsv(csvTable(['a', 'b'], rows));
      expect(read).toHaveLength(rows.length + 1);
      read.slice(1).forEach((r, i) => r.forEach((cell, j) => {
        const original = rows[i]![j]!.replace(/[\u0001]/g, '\ufffd');
        // A spreadsheet starts a formula at =, +, - or @ after blanks, or at a leading tab or CR: exactly those cells get the quote.
        const formula = /^[\s]*[=+\-@＝]|^[\t\r]/;
        expect(cell).toBe(formula.test(original) ? `'${original}` : original);
        expect(formula.test(cell)).toBe(false);
      }));
    }), { numRuns: 1000 });
  });

  it('the change-population export defuses pull request titles, logins and branches through it', () => {
    const row = directCommitRow({ repository: 'nw/api', branch: '＝cmd|\' /C calc\'!A0', oid: 'a'.repeat(40), committedDate: '2026-01-02T00:00:00Z', headline: 'fix;=1+1', author: '＠evil', checksState: 'SUCCESS', url: 'https://x' });
    const cells = parseCsv(toCsv([row]))[1]!;
    expect(cells).toContain('fix;=1+1');
    expect(cells).toContain("'＠evil");
    expect(cells).toContain("'＝cmd|' /C calc'!A0");
    expect(toCsv([row])).toContain('"fix;=1+1"');
  });
});
