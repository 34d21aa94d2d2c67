/**
 * A new evidence source is one folder plus the registry lines: test/fixtures/sources/widgets/ holds
 * a tiny source (about, source, one collector, a control and its sandbox fake), and register.mjs
 * adds it to the built CLI's registries, as its lines in src/collectors/sources.ts and index.ts
 * would. Nothing else in soc2 learns about it, yet it runs end to end through bin/soc2.js.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { cleanEnv, runCli } from '../helpers/cli.js';
import { tempTree } from '../helpers/tmp.js';
import { packageRoot } from '../../src/paths.js';
import { startWidgetRegistry, type FakeWidgetRegistry } from '../fixtures/sources/widgets/fake-server.js';

const FOLDER = join(packageRoot, 'test', 'fixtures', 'sources', 'widgets');

function project(): string {
  return tempTree({ 'soc2.config.yaml': `controls:\n  paths: [${JSON.stringify(join(FOLDER, 'controls'))}]\n` });
}

/** The CLI with the widgets source registered, as a user runs it. */
function soc2(args: string[], cwd: string, env: Record<string, string> = {}) {
  return runCli(args, { cwd, env: cleanEnv({ NODE_OPTIONS: `--import=${pathToFileURL(join(FOLDER, 'register.mjs')).href}`, ...env }) });
}

function results(dir: string) {
  return JSON.parse(readFileSync(join(dir, 'soc2-report', 'results.json'), 'utf8')) as {
    summary: { exitCode: number };
    run: { scope: Record<string, unknown> & { notInScope: string[] } };
    controls: Array<{ id: string; status: string; statusReason?: string; counts: Record<string, number>; findings: Array<{ resource: string; status: string; message: string }>; evidence: string[] }>;
    evidence: Array<{ file: string; calls: Array<{ source: string; operation: string }> }>;
    dataHandling: { endpoints: Array<{ source: string; host: string; requests: number }> };
  };
}

describe('a new evidence source, end to end', () => {
  let registry: FakeWidgetRegistry | undefined;
  afterEach(async () => {
    await registry?.close();
    registry = undefined;
  });

  it('collects from it, decides its control, and names it in results.json and the reports', async () => {
    registry = await startWidgetRegistry([{ name: 'front-door', locked: true }, { name: 'back-door', locked: false }, { name: 'cellar' }]);
    const dir = project();
    const run = await soc2(['run'], dir, { WIDGETS_URL: registry.url });
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
    expect(run.code).toBe(1);
    expect(registry.requests).toEqual(['GET /widgets']);

    const r = results(dir);
    const control = r.controls.find((c) => c.id === 'WID-001')!;
    expect(control.status).toBe('fail');
    const byResource = Object.fromEntries(control.findings.map((f) => [f.resource, f]));
    // results.json counts passes and lists the rest (the evidence file lists every widget).
    expect(byResource['front-door']).toBeUndefined();
    expect(control.counts).toMatchObject({ resources: 3, pass: 1, fail: 1, error: 1 });
    expect(byResource['back-door']).toMatchObject({ status: 'fail', message: expect.stringContaining('back-door') });
    // A field the source did not report is "could not tell", in the source's own words.
    expect(byResource['cellar']).toMatchObject({ status: 'error', message: expect.stringContaining('the widget registry did not say whether locked') });
    const evidence = r.evidence.find((e) => e.file === control.evidence[0]);
    expect(evidence?.calls).toEqual([expect.objectContaining({ source: 'widgets-api', operation: 'GET /widgets' })]);

    expect(r.run.scope['widgets']).toEqual({ url: registry.url });
    expect(r.run.scope.notInScope.filter((why) => why.startsWith('Widget registry'))).toEqual([]);
    expect(r.dataHandling.endpoints).toContainEqual(expect.objectContaining({ source: 'widgets-api', host: new URL(registry.url).host, requests: 1 }));
    const md = readFileSync(join(dir, 'soc2-report', 'report.md'), 'utf8');
    expect(md).toContain(`- **Widget registry:** the registry at \`${registry.url}\`.`);
    const html = readFileSync(join(dir, 'soc2-report', 'report.html'), 'utf8');
    expect(html).toContain(`<dt>Widget registry</dt><dd>the registry at <code>${registry.url}</code></dd>`);
  });

  it('leaves its controls not applicable, saying why, when its settings are absent', async () => {
    const dir = project();
    const run = await soc2(['run'], dir);
    expect(run.code).toBe(0);
    const r = results(dir);
    expect(r.controls.find((c) => c.id === 'WID-001')).toMatchObject({ status: 'not_applicable', statusReason: expect.stringContaining('WIDGETS_URL is not set') });
    expect(r.run.scope['widgets']).toBeNull();
    expect(r.run.scope.notInScope).toContain('Widget registry: WIDGETS_URL is not set, so widget controls are not applicable.');
  });

  it('is unknown to a CLI that did not register it (the hook is not reachable from configuration)', async () => {
    const dir = project();
    const run = await runCli(['run'], { cwd: dir, env: cleanEnv({ WIDGETS_URL: 'http://127.0.0.1:9' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown collector "widgets.inventory"');
  });
});
