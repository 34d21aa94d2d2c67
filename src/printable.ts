/**
 * Text from outside soc2 — API answers, control YAML, configuration values, file names — may hold
 * characters a terminal acts on instead of showing: escape sequences that recolour, move the
 * cursor or clear the screen, carriage returns that overwrite a line, newlines that forge one,
 * and bidirectional overrides that make text read in a different order than it is (Trojan Source).
 * Each becomes a visible U+FFFD before it is printed.
 */

/** C0 and C1 controls, DEL, line/paragraph separators and the bidi embeddings, overrides, isolates and marks. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;
const UNPRINTABLE_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** For a slot that is one line on screen (a title, a finding, a file name): newlines are neutralised too. */
export function printableLine(text: string): string {
  return text.replace(UNPRINTABLE, '\ufffd');
}

/** For text whose line breaks are meant (a description, a multi-line message): only `\n` is kept. */
export function printableText(text: string): string {
  return text.replace(UNPRINTABLE_EXCEPT_NEWLINE, '\ufffd');
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but not DEL, the C1 controls (U+009B
 * starts an escape sequence on some terminals) or the bidi characters, so those are escaped too.
 */
export function printableJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
