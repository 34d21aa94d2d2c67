// Takes docs/demo-report.png, the README's picture of the demo's report.html: runs `soc2 demo`
// into a temporary directory and photographs the top of the page in headless Chromium (run
// after `npm run build`; needs playwright-core and a Chromium, /usr/bin/chromium by default).
// The committed file was then reduced to a 96-colour palette (e.g. `pngquant 96`) to keep it near 85 KB.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'soc2-screenshot-'));
try {
  execFileSync(process.execPath, [join(root, 'bin', 'soc2.js'), 'demo', '--out', 'report'], { cwd: work, stdio: 'ignore' });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(join(work, 'report', 'report.html')).href, { waitUntil: 'load' });
    // From the title to the end of "Who ran it": the summary, the point-in-time sentence, the provenance.
    const end = await page.locator('#provenance').evaluate((el) => el.getBoundingClientRect().bottom + window.scrollY);
    await page.screenshot({ path: join(root, 'docs', 'demo-report.png'), fullPage: true, clip: { x: 0, y: 0, width: 1100, height: Math.ceil(end) + 16 } });
  } finally {
    await browser.close();
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log('wrote docs/demo-report.png');
