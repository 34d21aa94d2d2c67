/**
 * Opens report.html in a real Chromium from file://, as an auditor would from a zip: nothing may
 * be fetched, nothing from the data may run, and the page must work without a server.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { html } from '../../../src/reports/html.js';
import { loadResults } from './support.js';

const CHROMIUM = '/usr/bin/chromium';
const noChromium = !existsSync(CHROMIUM);

interface Visit {
  page: Page;
  url: string;
  requests: string[];
  consoleErrors: string[];
  dialogs: string[];
}

describe('reports/html in a browser', () => {
  let browser: Browser | undefined;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soc2-html-'));
    if (noChromium) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function visit(fileName: string, contents: string): Promise<Visit> {
    const file = join(dir, fileName);
    writeFileSync(file, contents);
    const page = await browser!.newPage();
    const v: Visit = { page, url: pathToFileURL(file).href, requests: [], consoleErrors: [], dialogs: [] };
    page.on('request', (r) => v.requests.push(r.url()));
    page.on('console', (m) => {
      if (m.type() === 'error') v.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => v.consoleErrors.push(e.message));
    page.on('dialog', (d) => {
      v.dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(v.url, { waitUntil: 'load' });
    return v;
  }

  it.skipIf(noChromium)('opens from file:// with no request but the file itself, no console error, and the data shown as text', async () => {
    const v = await visit('report.html', html.render(loadResults('sample')));
    const text = (await v.page.textContent('body')) ?? '';
    expect(text).toContain('acme/<script>alert(1)</script> Füße 🚀 | pipe');
    expect(text).toContain('<b>bold</b>');
    expect(await v.page.locator('b', { hasText: 'bold' }).count()).toBe(0);
    expect(await v.page.locator('main script, main img').count()).toBe(0);
    expect(v.dialogs).toEqual([]);
    expect(v.consoleErrors).toEqual([]);
    expect(v.requests).toEqual([v.url]);
    await v.page.close();
  });

  it.skipIf(noChromium)('runs nothing from the data even with the Content-Security-Policy removed', async () => {
    const withoutCsp = html.render(loadResults('sample')).replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\n/, '');
    expect(withoutCsp).not.toContain('Content-Security-Policy');
    const v = await visit('no-csp.html', withoutCsp);
    await v.page.waitForTimeout(200);
    expect(v.dialogs).toEqual([]);
    expect(v.requests).toEqual([v.url]);
    await v.page.close();
  });

  it.skipIf(noChromium)('shows the sample banner, and keeps it in view while scrolling', async () => {
    const v = await visit('sample.html', html.render(loadResults('sample')));
    const banner = v.page.locator('#sample-banner');
    await expect.poll(() => banner.isVisible()).toBe(true);
    expect(await banner.textContent()).toContain('SAMPLE DATA — not real systems.');
    await v.page.locator('#evidence').scrollIntoViewIfNeeded();
    const box = await banner.boundingBox();
    expect(box?.y).toBe(0);
    await v.page.close();
    const real = await visit('real.html', html.render(loadResults('minimal')));
    expect(await real.page.locator('#sample-banner').count()).toBe(0);
    await real.page.close();
  });

  it.skipIf(noChromium)('filters controls by status without any script', async () => {
    const v = await visit('filter.html', html.render(loadResults('sample')));
    const visible = (id: string) => v.page.locator(`#control-${id}`).isVisible();
    expect(await visible('GH-002')).toBe(true);
    expect(await visible('GH-001')).toBe(true);

    await v.page.locator('.filters label[for="filter-fail"]').click();
    expect(await visible('GH-002')).toBe(true);
    expect(await visible('AWS-010')).toBe(true);
    expect(await visible('GH-001')).toBe(false);
    expect(await visible('AWS-001')).toBe(false);

    await v.page.locator('label.card[for="filter-error"]').click();
    expect(await visible('AWS-001')).toBe(true);
    expect(await visible('GH-002')).toBe(false);

    await v.page.locator('.filters label[for="filter-all"]').click();
    for (const id of ['GH-002', 'AWS-001', 'POL-001', 'GH-010', 'GH-001', 'AWS-020']) expect(await visible(id)).toBe(true);
    expect(v.requests).toEqual([v.url]);
    await v.page.close();
  });

  it.skipIf(noChromium)('shows who ran it, the signature as written and the data-handling statement; attested controls have their own filter', async () => {
    const v = await visit('provenance.html', html.render(loadResults('sample')));
    const provenance = v.page.locator('#provenance');
    await expect.poll(() => provenance.isVisible()).toBe(true);
    const who = (await provenance.textContent()) ?? '';
    expect(who).toContain('arn:aws:sts::111122223333:assumed-role/soc2-readonly/ci-run-4242');
    expect(who).toContain('unknown login (GitHub App installation token)');
    expect(who).toContain('GitHub Actions: repository acme/platform');
    expect(await v.page.locator('#provenance .signature-signed').textContent()).toBe('Signed');
    const handling = v.page.locator('#data-handling');
    await handling.scrollIntoViewIfNeeded();
    expect(await handling.isVisible()).toBe(true);
    expect(await handling.textContent()).toContain('Nothing was sent anywhere else');
    await v.page.locator('.filters label[for="filter-attested"]').click();
    expect(await v.page.locator('#control-POL-002').isVisible()).toBe(true);
    expect(await v.page.locator('#control-POL-001').isVisible()).toBe(false);
    expect(await handling.isVisible()).toBe(true);
    expect(v.requests).toEqual([v.url]);
    await v.page.close();
    const old = await visit('old.html', html.render(loadResults('minimal')));
    expect(await old.page.locator('#provenance').textContent()).toContain('not recorded');
    await old.page.close();
  });
});
