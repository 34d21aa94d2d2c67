/**
 * Attacker-side helpers for the security tests: a "thief" server on another loopback port that
 * records what reaches it, and a proxy in front of the fake GitHub that adds a pagination Link to
 * the thief — a GitHub (or a man in the middle) trying to lure the token elsewhere.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Thief {
  url: string;
  /** Every request that reached it: method, path and the Authorization header, if any. */
  seen: Array<{ method: string; path: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const close = (server: Server) => () => new Promise<void>((resolve) => server.close(() => resolve()));

export async function startThief(): Promise<Thief> {
  const seen: Thief['seen'] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? 'GET', path: req.url ?? '/', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('[]');
  });
  return { url: await listen(server), seen, close: close(server) };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Forwards everything to `target`; on the organisation's repository list it adds
 * `Link: <thief/…>; rel="next"`. The target's own links are rewritten to the proxy, as a real
 * front end would.
 */
export async function startLinkingProxy(target: string, thief: string): Promise<{ url: string; close(): Promise<void> }> {
  let self = '';
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)) headers[k] = v;
      const method = req.method ?? 'GET';
      const r = await fetch(target + (req.url ?? '/'), { method, headers, ...(method === 'GET' || method === 'HEAD' ? {} : { body }) });
      const out: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        if (!['content-encoding', 'transfer-encoding', 'content-length', 'connection', 'keep-alive'].includes(k)) out[k] = v.split(target).join(self);
      });
      if (method === 'GET' && /^\/orgs\/[^/]+\/repos(\?|$)/.test(req.url ?? '')) out['link'] = `<${thief}/orgs/x/repos?page=2>; rel="next"`;
      res.writeHead(r.status, out);
      res.end(Buffer.from(await r.arrayBuffer()));
    })().catch((e: unknown) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  self = await listen(server);
  return { url: self, close: close(server) };
}

/** Every file under a directory, path → contents. */
export function filesUnder(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(p, readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}
