/**
 * A population CSV (RFC 4180: a header line, then one record per item; quoted fields may hold
 * commas, doubled quotes and line breaks), read with the line each record starts on, so a sampled
 * item can be pointed to in the file. Strict: a stray quote or a record with the wrong number of
 * fields is an error naming its line, never a silently shifted column.
 */

export interface PopulationRow {
  /** 1-based position among the data records (the header is not a row). */
  row: number;
  /** 1-based line of the file the record starts on. */
  line: number;
  values: string[];
}

export interface Population {
  columns: string[];
  rows: PopulationRow[];
}

/** A located problem in the CSV; the caller turns it into a usage error with the file name. */
export class PopulationFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function parsePopulation(text: string): Population {
  const records = parseRecords(text.startsWith('\uFEFF') ? text.slice(1) : text);
  const header = records.shift();
  if (!header || (header.values.length === 1 && header.values[0] === '')) throw new PopulationFormatError(1, 'the file is empty: a population CSV starts with a header line');
  const columns = header.values;
  // Blank lines at the very end are an editor's doing, not items with empty fields.
  while (records.length && records[records.length - 1]!.values.length === 1 && records[records.length - 1]!.values[0] === '') records.pop();
  const rows = records.map((r, i) => {
    if (r.values.length !== columns.length) {
      throw new PopulationFormatError(r.line, `the record has ${r.values.length} field${r.values.length === 1 ? '' : 's'}, the header has ${columns.length}`);
    }
    return { row: i + 1, line: r.line, values: r.values };
  });
  return { columns, rows };
}

function parseRecords(text: string): Array<{ line: number; values: string[] }> {
  const records: Array<{ line: number; values: string[] }> = [];
  let values: string[] = [];
  let cell = '';
  /** The current field began with a quote (so an empty one still counts as a field at the end of the file). */
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endField = () => {
    values.push(cell);
    cell = '';
    quoted = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && cell === '' && !quoted) {
      const openedAt = line;
      quoted = true;
      for (i++; ; ) {
        if (i >= text.length) throw new PopulationFormatError(openedAt, 'a quoted field is never closed');
        const q = text[i]!;
        if (q === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 2;
        } else if (q === '"') {
          i++;
          break;
        } else {
          if (q === '\n') line++;
          cell += q;
          i++;
        }
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') throw new PopulationFormatError(line, 'text follows a closing quote (a quote inside a field must be doubled)');
    } else if (ch === ',') {
      endField();
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endField();
      records.push({ line: recordLine, values });
      values = [];
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else if (ch === '"') {
      throw new PopulationFormatError(line, 'a quote inside an unquoted field (quote the whole field and double the quote)');
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== '' || quoted || values.length) {
    endField();
    records.push({ line: recordLine, values });
  }
  return records;
}
