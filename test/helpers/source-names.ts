/**
 * How a file names an evidence source in code (comments aside): the check behind "no file outside
 * a source's folder names a source" (test/meta/sources.test.ts).
 */

/** Code without comments, so that prose may mention AWS and GitHub freely. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

/** Where a file names source `id`: as a string, a property or key, or an import of its folder. */
export function namings(text: string, id: string): string[] {
  const patterns = [
    new RegExp(`(['"\`])${id}\\1`, 'g'), // 'github'
    new RegExp(`(?<=[\\w)\\]?])\\.${id}\\b`, 'g'), // config.github, scope?.aws
    new RegExp(`(?<![\\w.'"-])${id}\\??:(?!\\w)`, 'g'), // { aws: … }
    new RegExp(`['"][^'"]*(?:collectors/|\\./)${id}/[^'"]*['"]`, 'g'), // import('../collectors/aws/client.js')
  ];
  const body = code(text);
  return patterns.flatMap((p) => [...body.matchAll(p)].map((m) => m[0]));
}
