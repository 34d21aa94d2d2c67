/**
 * Checks of rendered reports by their structure, for the fuzz tests: a tokenizer that reads HTML
 * the way a browser's tokenizer does (tags, attributes, raw-text elements, character references),
 * a Markdown scanner that finds what CommonMark and GitHub would turn into markup (raw HTML,
 * links, autolinks, table cells, block starts), and the validity checks of every format.
 *
 * Injection is found by comparison: the same results are rendered once with hostile strings and
 * once with a harmless twin of each (see harmlessTwin in results-fixtures.ts). Data that is inert
 * cannot change the structure, so both renders must have the same elements and attributes, the
 * same Markdown constructs and lines, whatever the template looks like.
 */
// ---------------------------------------------------------------------------------------------
// HTML

export type HtmlToken =
  | { type: 'start'; name: string; attrs: Array<[string, string]> }
  | { type: 'end'; name: string }
  | { type: 'text'; text: string }
  | { type: 'comment' | 'doctype'; text: string };

/** Elements whose content the HTML tokenizer does not read as markup. */
const RAW_TEXT = new Set(['script', 'style', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript', 'plaintext']);
const ESCAPABLE_RAW_TEXT = new Set(['title', 'textarea']);

const NAMED_REFS: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Character references as a browser decodes them (the subset any soc2 output can hold; others are kept as written). */
export function decodeHtml(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);/g, (m, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(Math.min(parseInt(ref.slice(2), 16), 0x10ffff));
    if (ref.startsWith('#')) return String.fromCodePoint(Math.min(parseInt(ref.slice(1), 10), 0x10ffff));
    return NAMED_REFS[ref] ?? m;
  });
}

/** Tokenizes a document as the HTML Standard's tokenizer would, for the constructs that matter here. */
export function tokenizeHtml(src: string): HtmlToken[] {
  const tokens: HtmlToken[] = [];
  let i = 0;
  let text = '';
  const flush = () => {
    if (text) tokens.push({ type: 'text', text: decodeHtml(text) });
    text = '';
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch !== '<') {
      const next = src.indexOf('<', i);
      const stop = next < 0 ? src.length : next;
      text += src.slice(i, stop);
      i = stop;
      continue;
    }
    if (src.startsWith('<!--', i)) {
      flush();
      const end = src.indexOf('-->', i + 4);
      const stop = end < 0 ? src.length : end + 3;
      tokens.push({ type: 'comment', text: src.slice(i + 4, end < 0 ? src.length : end) });
      i = stop;
      continue;
    }
    if (src[i + 1] === '!' || src[i + 1] === '?') {
      flush();
      const end = src.indexOf('>', i);
      const stop = end < 0 ? src.length : end + 1;
      tokens.push({ type: /^<!doctype/i.test(src.slice(i, i + 9)) ? 'doctype' : 'comment', text: src.slice(i, stop) });
      i = stop;
      continue;
    }
    const isEnd = src[i + 1] === '/';
    const nameStart = i + (isEnd ? 2 : 1);
    if (!/[A-Za-z]/.test(src[nameStart] ?? '')) {
      // "<" not followed by a letter is text to a browser.
      text += ch;
      i++;
      continue;
    }
    flush();
    let j = nameStart;
    while (j < src.length && !/[\t\n\f\r />]/.test(src[j]!)) j++;
    const name = src.slice(nameStart, j).toLowerCase();
    const attrs: Array<[string, string]> = [];
    for (;;) {
      while (j < src.length && /[\t\n\f\r /]/.test(src[j]!)) j++;
      if (j >= src.length || src[j] === '>') break;
      let k = j;
      while (k < src.length && !/[\t\n\f\r />=]/.test(src[k]!) && !(k > j && src[k] === '=')) k++;
      if (k === j) k++; // a lone "=" starts an attribute name
      const attrName = src.slice(j, k).toLowerCase();
      j = k;
      while (j < src.length && /[\t\n\f\r ]/.test(src[j]!)) j++;
      let value = '';
      if (src[j] === '=') {
        j++;
        while (j < src.length && /[\t\n\f\r ]/.test(src[j]!)) j++;
        const q = src[j];
        if (q === '"' || q === "'") {
          const end = src.indexOf(q, j + 1);
          const stop = end < 0 ? src.length : end;
          value = decodeHtml(src.slice(j + 1, stop));
          j = stop + 1;
        } else {
          let e = j;
          while (e < src.length && !/[\t\n\f\r >]/.test(src[e]!)) e++;
          value = decodeHtml(src.slice(j, e));
          j = e;
        }
      }
      if (!isEnd) attrs.push([attrName, value]);
    }
    i = j + 1;
    if (isEnd) {
      tokens.push({ type: 'end', name });
      continue;
    }
    tokens.push({ type: 'start', name, attrs });
    if (RAW_TEXT.has(name) || ESCAPABLE_RAW_TEXT.has(name)) {
      const close = new RegExp(`</${name}[\\t\\n\\f\\r />]`, 'i');
      const m = close.exec(src.slice(i));
      const end = m ? i + m.index : src.length;
      const raw = src.slice(i, end);
      if (raw) tokens.push({ type: 'text', text: ESCAPABLE_RAW_TEXT.has(name) ? decodeHtml(raw) : raw });
      i = end;
    }
  }
  flush();
  return tokens;
}

/** "name attr1 attr2" for every start tag, sorted: the structure of a page, whatever its text. */
export function htmlStructure(tokens: readonly HtmlToken[]): string[] {
  return tokens
    .filter((t): t is Extract<HtmlToken, { type: 'start' }> => t.type === 'start')
    .map((t) => [t.name, ...t.attrs.map(([n]) => n).sort()].join(' '))
    .sort();
}

export function htmlEndTags(tokens: readonly HtmlToken[]): string[] {
  return tokens.filter((t): t is Extract<HtmlToken, { type: 'end' }> => t.type === 'end').map((t) => t.name).sort();
}

/** Every piece of text a reader or a script could see: text nodes and attribute values. */
export function htmlTexts(tokens: readonly HtmlToken[]): string[] {
  return tokens.flatMap((t) => (t.type === 'text' ? [t.text] : t.type === 'start' ? t.attrs.map(([, v]) => v) : []));
}

// ---------------------------------------------------------------------------------------------
// Markdown

const ASCII_PUNCT = /[!-/:-@[-`{-~]/;

export interface MarkdownScan {
  /** Constructs that make markup: raw HTML, links, images, autolinks. */
  constructs: string[];
  /** Per table row: how many cells it has. */
  problems: string[];
}

/**
 * Scans Markdown for what a CommonMark/GFM renderer would turn into markup. Text inside code spans
 * is literal; a backslash before ASCII punctuation makes it literal. `<br>` and autolinks to the
 * control's own references are what the renderer itself writes; they are counted like any other
 * construct, so a twin render tells whether data added one.
 */
export function scanMarkdown(md: string): MarkdownScan {
  const constructs: string[] = [];
  const problems: string[] = [];
  const lines = md.split('\n');
  let tableCells: number | undefined;
  lines.forEach((line, n) => {
    const cells = line.startsWith('|') ? countCells(line) : undefined;
    if (cells === undefined) tableCells = undefined;
    else if (tableCells === undefined) tableCells = cells;
    else if (cells !== tableCells) problems.push(`line ${n + 1}: a table row with ${cells} cells in a table of ${tableCells}: ${JSON.stringify(line.slice(0, 200))}`);
    scanInline(line, constructs);
  });
  return { constructs: constructs.sort(), problems };
}

/** CommonMark's HTML block starts 1–6; a line holding only a complete tag (start 7) is checked apart. */
const HTML_BLOCK_START = new RegExp(
  '^(?:<(?:script|pre|style|textarea)(?:\\s|>|$)|<!--|<\\?|<![A-Za-z]|<!\\[CDATA\\[|</?(?:' +
    'address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul' +
    ')(?:\\s|/?>|$))',
  'i',
);

/** The block a line starts: heading, quote, list item, code fence, indented code, thematic break, table, HTML, or a paragraph. */
export function blockShape(line: string, previous = ''): string {
  // CommonMark's whitespace here is spaces and tabs (JavaScript's \s would also take U+FEFF and the like).
  if (/^ {0,3}(=+|-+)[ \t]*$/.test(line) && blockShape(previous) === 'paragraph') return 'setext';
  if (/^ {4,}[^ \t]/.test(line)) return 'indented-code';
  const t = line.replace(/^ {0,3}/, '');
  if (/^#{1,6}([ \t]|$)/.test(t)) return `heading${/^#+/.exec(t)![0].length}`;
  if (/^>/.test(t)) return 'quote';
  if (/^(`{3,}|~{3,})/.test(t)) return 'fence';
  if (/^([-*_])([ \t]*\1){2,}[ \t]*$/.test(t)) return 'break';
  if (/^[-+*]([ \t]|$)/.test(t)) return /^[-+*][ \t]+\[[ xX]\][ \t]/.test(t) ? 'task' : 'bullet';
  if (/^\d{1,9}[.)]([ \t]|$)/.test(t)) return 'ordered';
  if (/^\|/.test(t)) return 'table';
  if (HTML_BLOCK_START.test(t) || /^<\/?[A-Za-z][A-Za-z0-9-]*([ \t][^<>]*)?\/?>[ \t]*$/.test(t)) return 'html';
  if (/^\[[^\]]*\]:/.test(t)) return 'link-definition';
  return /[^ \t]/.test(line) ? 'paragraph' : 'blank';
}

function countCells(line: string): number {
  let pipes = 0;
  forEachUnescaped(line, (ch) => {
    if (ch === '|') pipes++;
  });
  return pipes - 1;
}

/** Calls `visit` for every character outside code spans that no backslash escapes. */
function forEachUnescaped(line: string, visit: (ch: string, i: number) => void): void {
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    if (ch === '\\' && ASCII_PUNCT.test(line[i + 1] ?? '')) {
      i += 2;
      continue;
    }
    if (ch === '`') {
      let n = 0;
      while (line[i + n] === '`') n++;
      const close = findBacktickRun(line, i + n, n);
      if (close >= 0) {
        i = close + n;
        continue;
      }
      i += n;
      continue;
    }
    visit(ch, i);
    i++;
  }
}

function findBacktickRun(line: string, from: number, n: number): number {
  let i = from;
  while (i < line.length) {
    if (line[i] === '`') {
      let m = 0;
      while (line[i + m] === '`') m++;
      if (m === n) return i;
      i += m;
    } else i++;
  }
  return -1;
}

function scanInline(line: string, out: string[]): void {
  // Only a short window around a character decides what it starts: lines can be 100 kB long.
  const before = (i: number) => line.slice(Math.max(0, i - 8), i);
  const after = (i: number) => line.slice(i, i + 64);
  forEachUnescaped(line, (ch, i) => {
    if (ch === '<') {
      const rest = after(i);
      const tag = /^<(\/?[A-Za-z][A-Za-z0-9-]*)[\s/>]/.exec(rest);
      const auto = /^<([A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*)>/.exec(line.slice(i, line.indexOf('>', i) + 1 || i + 1));
      const email = /^<([^\s<>@]+@[^\s<>]+)>/.exec(line.slice(i, line.indexOf('>', i) + 1 || i + 1));
      if (auto) out.push(`autolink ${auto[1]}`);
      else if (email) out.push(`autolink ${email[1]}`);
      else if (tag) out.push(`html <${tag[1]!.toLowerCase()}>`);
      else if (/^<[!?]/.test(rest)) out.push('html <!');
    } else if (ch === '[' || ch === ']') {
      // A task-list box "- [ ]" is the only bracket the renderer writes itself.
      const box = ch === '[' ? /^\[[ xX]\] /.test(after(i)) && /^\s*[-+*] $/.test(line.slice(0, i)) : line[i - 2] === '[' && /^\s*[-+*] \[[ xX]$/.test(line.slice(0, i));
      if (!box) out.push(`bracket ${ch}`);
    } else if (ch === ':' && line.startsWith('://', i) && /(?:^|[\s*_~(])(?:https?|ftp)$/i.test(before(i)) && !insideAngle(line, i)) {
      out.push('bare-url');
    } else if (ch === '.' && /(?:^|[^A-Za-z0-9])www$/i.test(before(i)) && /^\.[A-Za-z0-9-]/.test(after(i))) {
      out.push('bare-www');
    } else if (ch === '@' && /[A-Za-z0-9.+_-]$/.test(before(i)) && /^@[A-Za-z0-9_-]+\.[A-Za-z0-9]/.test(after(i)) && !insideAngle(line, i)) {
      out.push('bare-email');
    } else if (ch === '@' && /(?:^|[^A-Za-z0-9`])$/.test(before(i)) && /^@[A-Za-z0-9]/.test(after(i))) {
      out.push('mention');
    }
  });
}

/** True when position `i` lies inside an unescaped <…> autolink on the same line. */
function insideAngle(line: string, i: number): boolean {
  const open = line.lastIndexOf('<', i);
  if (open < 0 || (open > 0 && line[open - 1] === '\\')) return false;
  const close = line.indexOf('>', open);
  return close > i && !/\s/.test(line.slice(open, close));
}
