import { afterEach, describe, expect, it } from 'vitest';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeProgress, progressText, terminalSafe, type RequestCounts } from '../../../src/cli/terminal.js';
import { startRequestMeter } from '../../../src/cli/request-meter.js';

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTty(columns = 100, isTTY = true) {
  const writes: string[] = [];
  return { stream: { isTTY, columns, write: (s: string) => writes.push(s) > 0 }, writes };
}

/** A clock and a ticker the test drives by hand. */
function manualTime() {
  let now = 0;
  let tick: (() => void) | undefined;
  let stopped = false;
  return {
    now: () => now,
    every: (_ms: number, fn: () => void) => {
      tick = fn;
      return () => {
        stopped = true;
      };
    },
    advance(ms: number) {
      now += ms;
      tick?.();
    },
    get stopped() {
      return stopped;
    },
  };
}

const counts: RequestCounts = { requests: 1532, github: { graphql: { remaining: 4990, limit: 5000 }, core: { remaining: 4812, limit: 5000 } } };

describe('cli/terminal makeProgress', () => {
  it('shows nothing for the first second and a half, then controls, requests, GitHub budget and the activity', () => {
    const { stream, writes } = fakeTty(200);
    const time = manualTime();
    const p = makeProgress({ stream, now: time.now, every: time.every, counts: () => counts });
    p.controls(3, 40);
    p.line('collecting github.branch-rules for GH-002, GH-003');
    time.advance(1000);
    expect(writes).toEqual([]);
    time.advance(600);
    expect(writes).toEqual(['\r\x1b[2K3/40 controls · 1,532 requests · GitHub budget core 4,812/5,000, graphql 4,990/5,000 · collecting github.branch-rules for GH-002, GH-003']);
    time.advance(200); // nothing changed: nothing rewritten
    expect(writes).toHaveLength(1);
    p.controls(4, 40);
    time.advance(200);
    expect(writes[1]).toMatch(/^\r\x1b\[2K4\/40 controls · /);
    // A warning clears the line; the next refresh draws it again.
    p.clear();
    expect(writes[2]).toBe('\r\x1b[2K');
    time.advance(200);
    expect(writes[3]).toBe(writes[1]);
    p.done();
    expect(writes.at(-1)).toBe('\r\x1b[2K');
    expect(time.stopped).toBe(true);
    p.done();
    time.advance(200);
    expect(writes).toHaveLength(5);
  });

  it('writes nothing at all on a stream that is not a terminal, or when disabled (--quiet)', () => {
    for (const opts of [{ tty: false, enabled: true }, { tty: true, enabled: false }]) {
      const { stream, writes } = fakeTty(100, opts.tty);
      const time = manualTime();
      const p = makeProgress({ stream, now: time.now, every: time.every, enabled: opts.enabled, counts: () => counts });
      p.controls(1, 2);
      p.line('working');
      time.advance(5000);
      p.done();
      expect(writes).toEqual([]);
    }
  });

  it('fits the line to the terminal width and keeps API text from escaping it', () => {
    const { stream, writes } = fakeTty(40);
    const time = manualTime();
    const p = makeProgress({ stream, now: time.now, every: time.every });
    p.line('PR “\u001b[2Jcleared” is being read, with a long tail of words\n::error::not a command');
    time.advance(2000);
    expect(writes).toEqual(['\r\x1b[2KPR “\ufffd[2Jcleared” is being read, with a…']);
    expect([...writes[0]!.slice(5)]).toHaveLength(39); // one column short of the width: no wrap
  });

  it('leaves out what it does not know', () => {
    expect(progressText({ activity: 'checking the token' })).toBe('checking the token');
    expect(progressText({ controls: { done: 0, total: 5 }, counts: { requests: 1, github: {} }, activity: '' })).toBe('0/5 controls · 1 request');
  });

  it('terminalSafe turns line breaks into spaces and control characters into U+FFFD', () => {
    expect(terminalSafe('a\r\nb\nc\rd\u2028e\u0007')).toBe('a b c\ufffdd\ufffde\ufffd');
  });
});

describe('cli/request-meter', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  it('counts fetch and node:http requests and reads GitHub\'s rate-limit headers, until stopped', async () => {
    server = createServer((req, res) => {
      if (req.url === '/graphql') res.setHeader('x-ratelimit-resource', 'graphql');
      if (req.url !== '/aws') {
        res.setHeader('x-ratelimit-limit', '5000');
        res.setHeader('x-ratelimit-remaining', req.url === '/graphql' ? '4990' : '4812');
      }
      res.end('{}');
    });
    await new Promise<void>((ready) => server!.listen(0, '127.0.0.1', () => ready()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const viaHttp = (path: string) => new Promise<void>((done, fail) => get(`${url}${path}`, (res) => res.resume().on('end', () => done())).on('error', fail));
    const meter = startRequestMeter();
    try {
      await (await fetch(`${url}/repos`)).text();
      await (await fetch(`${url}/graphql`, { method: 'POST', body: '{}' })).text();
      await viaHttp('/aws');
      expect(meter.counts()).toEqual({ requests: 3, github: { core: { remaining: 4812, limit: 5000 }, graphql: { remaining: 4990, limit: 5000 } } });
    } finally {
      meter.stop();
    }
    await (await fetch(`${url}/repos`)).text();
    expect(meter.counts().requests).toBe(3);
  });
});
