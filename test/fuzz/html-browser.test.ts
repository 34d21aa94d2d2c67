/**
 * The HTML property checked by a real parser: report.html with hostile strings in every field is
 * opened in Chromium from file:// beside its harmless twin. The browser must build the same
 * elements with the same attributes for both, show every control title and finding as text, run
 * nothing (no dialog) and fetch nothing but the file itself. Few runs: a browser is slow.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { html } from '../../src/reports/html.js';
import { cleanText } from '../../src/reports/format.js';
import { fuzzParams, fuzzTimeout, hostileString, hugeString } from './support.js';
import { baseResults, hostileAndTwin } from './results-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const noChromium = !existsSync(CHROMIUM);

interface Seen {
  elements: string[];
  text: string;
  requests: string[];
  dialogs: string[];
}

describe('fuzz: report.html in a browser', () => {
  let browser: Browser | undefined;
  let dir: string;
  let n = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soc2-fuzz-html-'));
    if (noChromium) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(page: string): Promise<Seen> {
    const file = join(dir, `report-${n++}.html`);
    writeFileSync(file, page);
    const tab = await browser!.newPage();
    const seen: Seen = { elements: [], text: '', requests: [], dialogs: [] };
    tab.on('request', (r) => seen.requests.push(r.url()));
    tab.on('dialog', (d) => {
      seen.dialogs.push(d.message());
      void d.dismiss();
    });
    try {
      await tab.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      // Evaluated in the page (as text: this project compiles without the DOM types).
      seen.elements = (await tab.evaluate(`[...document.querySelectorAll('*')].map((e) => [e.tagName, ...[...e.attributes].map((a) => a.name).sort()].join(' ')).sort()`)) as string[];
      seen.text = (await tab.evaluate(`document.documentElement.textContent ?? ''`)) as string;
      seen.requests = seen.requests.filter((u) => u !== pathToFileURL(file).href);
    } finally {
      await tab.close();
    }
    return seen;
  }

  it.skipIf(noChromium)('hostile text builds the same elements as its harmless twin, shows as text, runs and fetches nothing (property)', async () => {
    const bases = baseResults();
    const plan = fc.record({
      base: fc.integer({ min: 0, max: bases.length - 1 }),
      strings: fc.array(hostileString(), { minLength: 1, maxLength: 6 }),
      stride: fc.integer({ min: 1, max: 3 }),
      offset: fc.integer({ min: 0, max: 2 }),
      huge: fc.option(fc.record({ at: fc.nat(), text: hugeString }), { freq: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(plan, async (p) => {
        const { hostile, twin } = hostileAndTwin(bases[p.base]!, p);
        const seen = await open(html.render(hostile));
        const twinSeen = await open(html.render(twin));
        expect(seen.dialogs).toEqual([]);
        expect(seen.requests).toEqual([]);
        expect(seen.elements).toEqual(twinSeen.elements);
        for (const c of hostile.controls) {
          if (!seen.text.includes(cleanText(c.title))) expect.fail(`the page does not show the title ${JSON.stringify(c.title.slice(0, 200))} as text`);
          for (const f of c.status === 'not_applicable' || c.status === 'manual' ? [] : c.findings) {
            if (!seen.text.includes(cleanText(f.message))) expect.fail(`the page does not show the finding ${JSON.stringify(f.message.slice(0, 200))} as text`);
          }
        }
      }),
      fuzzParams(2),
    );
  }, fuzzTimeout(180_000));
});
