/**
 * CSV for people who open it in a spreadsheet (RFC 4180, CRLF line ends). Cells hold text from
 * outside soc2 — pull request titles, logins, branch names — so each is defused per OWASP's CSV
 * injection guidance: a cell that a spreadsheet would read as a formula gets a leading ', control
 * characters become U+FFFD, and a cell holding a separator, quote or line break is quoted, so no
 * text can start a new cell or row of its own.
 */

/**
 * What spreadsheets read as the start of a formula: = + - @, a tab or carriage return (some strip
 * it and look at what follows), and the full-width ＝ ＋ － ＠ that some spreadsheets normalise.
 * Leading spaces do not protect: some spreadsheets trim them before deciding.
 */
const FORMULA_START = /^[\s\u00a0\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]|^[\t\r]/;
/** Controls other than the tab and line breaks a quoted cell may keep. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/** Characters that end a cell or a row in some spreadsheet's reading: comma, semicolon (European locales), tab, quote, line breaks. */
const NEEDS_QUOTES = /[",;\t\r\n]/;

export function csvCell(value: string): string {
  const clean = value.replace(CONTROL, '\ufffd');
  const defused = FORMULA_START.test(clean) ? `'${clean}` : clean;
  return NEEDS_QUOTES.test(defused) || defused !== defused.trim() ? `"${defused.replace(/"/g, '""')}"` : defused;
}

export function csvRow(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

/** A whole file: the header row, then one row per record, each ended by CRLF. */
export function csvTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [header, ...rows].map((r) => csvRow(r) + '\r\n').join('');
}
