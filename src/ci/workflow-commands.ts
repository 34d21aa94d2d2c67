/**
 * GitHub Actions workflow commands (`::error title=…::message`). The runner reads a command from
 * any output line that starts with `::`, so text from an API (a pull request title holding a line
 * break and `::add-mask::`, say) must never reach the start of a line: the message and the
 * properties are escaped the way GitHub's own toolkit does (% CR LF, and also : , in properties),
 * which the runner decodes back for display.
 */

export type AnnotationLevel = 'error' | 'warning';

export interface Annotation {
  level: AnnotationLevel;
  title: string;
  message: string;
  /** What it is about in a word (a control id), for the line that sums up those left out. */
  subject?: string;
}

/** GitHub shows at most 10 error and 10 warning annotations of one step; it drops the rest silently. */
export const ANNOTATIONS_PER_LEVEL = 10;

const MAX_TITLE = 200;
const MAX_MESSAGE = 4000;

/** A command's message: % first, so an escape already in the text is kept as text. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A command's property value: the message escapes, and : and , which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(command: string, properties: Record<string, string>, message: string): string {
  const props = Object.entries(properties).map(([k, v]) => `${k}=${escapeProperty(v)}`).join(',');
  return `::${command}${props ? ` ${props}` : ''}::${escapeData(message)}`;
}

/** The annotations as workflow-command lines, each ending in a line break. */
export function renderAnnotations(annotations: readonly Annotation[]): string {
  return annotations.map((a) => `${workflowCommand(a.level, { title: cut(a.title, MAX_TITLE) }, cut(a.message, MAX_MESSAGE))}\n`).join('');
}

/**
 * At most `perLevel` of each level, in the order given: when there are more, the last slot says
 * how many more there are and which, so nothing is dropped without a word.
 */
export function limitAnnotations(annotations: readonly Annotation[], where: string, perLevel = ANNOTATIONS_PER_LEVEL): Annotation[] {
  const out: Annotation[] = [];
  for (const level of ['error', 'warning'] as const) {
    const all = annotations.filter((a) => a.level === level);
    if (all.length <= perLevel) {
      out.push(...all);
      continue;
    }
    const shown = all.slice(0, perLevel - 1);
    const rest = all.slice(perLevel - 1);
    out.push(...shown, {
      level,
      title: `soc2: ${rest.length} more ${level === 'error' ? 'errors' : 'warnings'} not annotated`,
      message: `GitHub shows ${perLevel} ${level} annotations per step. Also: ${rest.map((a) => a.subject ?? a.title).join(', ')}. Every one is in ${where}.`,
    });
  }
  return out;
}

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
