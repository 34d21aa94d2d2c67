/**
 * GitHub's answers read with the platform's JSON.parse. Octokit reads a JSON answer with
 * json-with-bigint, which on Node 20 (no JSON.parse source access) first rewrites the whole text
 * through a regular expression, one replacement string per string and number in it, then parses it
 * with a reviver: at 2,000 repositories that was most of everything a run allocated, and a good
 * part of its CPU. Integers past 2^53 are what it exists for; no field soc2 reads holds one (ids
 * and counts are far below), so the platform parser reads them the same.
 *
 * The hook asks Octokit for the unread body (its documented `parseSuccessResponseBody: false`) and
 * reads it as Octokit would have: JSON when the content type says so (the text itself when that
 * does not parse), text for text, bytes otherwise. Error answers keep Octokit's own reading.
 */
import type { Octokit } from '@octokit/core';
import { parsedAnswers } from './complete-json.js';

/** The request options a hook sees, as far as this one reads them. */
type RequestOptions = Record<string, unknown> & { request?: Record<string, unknown> & { parseSuccessResponseBody?: boolean } };
type Answer = { headers: Record<string, string | number | undefined>; data: unknown };

/** Octokit's own test: a JSON answer is application/json or application/scim+json. */
const JSON_TYPE = /^application\/(scim\+)?json\s*(;|$)/i;

function isStream(body: unknown): body is ReadableStream<Uint8Array> {
  return typeof (body as { getReader?: unknown } | null)?.getReader === 'function';
}

/** What Octokit's reading of a success body gives, without json-with-bigint. */
export async function readAnswerBody(contentType: string | undefined, body: ReadableStream<Uint8Array>): Promise<unknown> {
  const answer = new Response(body);
  if (!contentType) return answer.text();
  if (JSON_TYPE.test(contentType)) {
    const text = await answer.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('text/') || (/;\s*charset="?utf-8"?/i.test(contentType) && type !== 'application/octet-stream')) return answer.text();
  return answer.arrayBuffer();
}

/**
 * An Octokit plugin: list it before the throttling and retry plugins, so its hook sits inside
 * theirs (they look at GraphQL answers' `errors` for rate limits and failures) and next to the
 * request itself.
 */
export function plainJsonAnswers(octokit: Pick<Octokit, 'hook'>): void {
  // Octokit's hooks are handed the options object itself, and the hooks inside this one read that
  // object, not a copy passed on: the flag is set on it, and remembered as ours, so a retry that
  // comes through again is still read here rather than handed back as a stream.
  const flaggedHere = new WeakSet<object>();
  const readPlainly = async (request: (options: RequestOptions) => Promise<unknown>, options: RequestOptions): Promise<unknown> => {
    // A caller that asked for the stream itself gets it.
    if (options.request?.parseSuccessResponseBody === false && !flaggedHere.has(options)) return request(options);
    options.request = { ...options.request, parseSuccessResponseBody: false };
    flaggedHere.add(options);
    const response = (await request(options)) as Answer;
    if (isStream(response.data)) {
      const type = response.headers['content-type'];
      // Parsed already where it was checked whole (complete-json.ts), unless the ETag cache handed on a copy.
      const known = typeof type === 'string' && JSON_TYPE.test(type) ? parsedAnswers.get(response.data) : undefined;
      response.data = known !== undefined ? known : await readAnswerBody(typeof type === 'string' ? type : undefined, response.data);
    }
    return response;
  };
  octokit.hook.wrap('request', readPlainly as never);
}
