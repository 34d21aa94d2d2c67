/**
 * A `fetch` wrapper that hands Octokit only whole JSON answers. Octokit reads a success body that
 * does not parse as the raw text, and a body whose transfer broke off as "" — which its paginator
 * then turns into an empty page, and a collector into "no webhooks" or "no members". Here such an
 * answer is an error instead: IncompleteAnswerError, which Octokit wraps (status 500, no response)
 * and its retry plugin retries like any other failed transfer.
 */

/** A success answer whose body was cut off, empty, or not JSON. */
export class IncompleteAnswerError extends Error {
  override readonly name = 'IncompleteAnswerError';
}

function isJson(contentType: string | null): boolean {
  return /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType ?? '');
}

function isAbort(e: unknown): boolean {
  return (e as { name?: unknown } | undefined)?.name === 'AbortError';
}

/**
 * The value each whole answer parsed to, by the body stream handed on: the plain-JSON reader
 * (plain-json.ts) takes it from here instead of decoding and parsing the text a second time. Held
 * only as long as the stream is.
 */
export const parsedAnswers = new WeakMap<object, unknown>();

/** `copy` carries the same body as `original` (a wrapper re-made the answer): it keeps the value parsed from it. */
export function sameParsedAnswer(original: Response, copy: Response): Response {
  const parsed = original.body ? parsedAnswers.get(original.body) : undefined;
  if (parsed !== undefined && copy.body) parsedAnswers.set(copy.body, parsed);
  return copy;
}

export function completeJsonFetch(inner: typeof fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    // Error answers keep Octokit's own reading (their message is what a gap quotes); 204 and 304 have no body.
    if (res.status < 200 || res.status >= 300 || res.status === 204 || !isJson(res.headers.get('content-type'))) return res;
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (isAbort(e)) throw e; // our own timeout or cancellation, not the server's doing
      const why = e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e);
      throw new IncompleteAnswerError(`GitHub's answer broke off before its end (${why})`, { cause: e });
    }
    if (text.trim() === '') throw new IncompleteAnswerError(`GitHub's answer was HTTP ${res.status} with an empty body`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new IncompleteAnswerError(`GitHub's answer was not complete JSON (${Buffer.byteLength(text)} bytes)`);
    }
    const whole = new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
    if (whole.body) parsedAnswers.set(whole.body, parsed);
    return whole;
  };
}
