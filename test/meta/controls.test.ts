import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { loadControls } from '../../src/controls/load.js';
import { builtinControlsDir } from '../../src/paths.js';
import { criteriaCatalogue } from '../../src/controls/criteria.js';

describe('controls/ (the shipped library)', () => {
  it('loads completely: every file valid, ids unique, file name == id, criteria in the catalogue', async () => {
    const controls = await loadControls({ paths: ['builtin'] });
    expect(controls.length).toBe(readdirSync(builtinControlsDir).filter((f) => f.endsWith('.yaml')).length);
    const catalogue = criteriaCatalogue();
    for (const c of controls) for (const cr of c.criteria) expect(catalogue.has(cr), `${c.id} ${cr}`).toBe(true);
  });

  it('ships the full 2017 Trust Services Criteria catalogue (61 ids)', () => {
    expect(criteriaCatalogue().size).toBe(61);
  });

  it('says why each control matters and how to fix it, in more than a few words', async () => {
    for (const c of await loadControls({ paths: ['builtin'] })) {
      expect(c.remediation.length, c.id).toBeGreaterThan(30);
      expect(c.description.length, c.id).toBeGreaterThan(30);
      if (c.type === 'automated') expect(c.rationale?.length ?? 0, `${c.id} rationale`).toBeGreaterThan(30);
    }
  });
});
