import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { overlappingExceptions } from '../../../src/engine/exception-match.js';
import { loadExceptions, type ExceptionEntry } from '../../../src/engine/exceptions.js';
import { tempTree } from '../../helpers/tmp.js';

const today = '2026-06-30';
const entry = (over: Partial<ExceptionEntry>): ExceptionEntry => ({ control: 'GH-002', justification: 'Frozen until the migration.', approvedBy: 'cto', expires: '2026-12-31', ...over });

describe('engine/exception-match overlappingExceptions', () => {
  it.each([
    ['same control and resource', [entry({ resources: ['nw/api'], at: 'x.yaml:2' }), entry({ resources: ['nw/api', 'nw/web'], expires: '2026-09-30', at: 'x.yaml:8' })],
      ['x.yaml:2 and x.yaml:8 both cover GH-002 for nw/api (expiring 2026-12-31 and 2026-09-30); the one that expires last applies. Remove one, or narrow their resources.']],
    ['one covers every resource', [entry({ at: 'x.yaml:2' }), entry({ resources: ['nw/web'], at: 'x.yaml:8' })],
      ['x.yaml:2 and x.yaml:8 both cover GH-002 for nw/web (expiring 2026-12-31 and 2026-12-31); the one that expires last applies. Remove one, or narrow their resources.']],
    ['both cover every resource', [entry({ at: 'x.yaml:2' }), entry({ at: 'x.yaml:8' })],
      ['x.yaml:2 and x.yaml:8 both cover GH-002 for every resource (expiring 2026-12-31 and 2026-12-31); the one that expires last applies. Remove one, or narrow their resources.']],
    ['different resources', [entry({ resources: ['nw/api'] }), entry({ resources: ['nw/web'] })], []],
    ['different controls', [entry({}), entry({ control: 'GH-003' })], []],
    ['an expired entry and its renewal', [entry({ resources: ['nw/api'], expires: '2026-03-31' }), entry({ resources: ['nw/api'] })], []],
  ] as Array<[string, ExceptionEntry[], string[]]>)('%s', (_name, entries, expected) => {
    expect(overlappingExceptions(entries, today)).toEqual(expected);
  });

  it('points at the lines of the file the entries are written on', () => {
    const item = (res: string) => `  - control: REPO-001\n    resources: [${res}]\n    justification: Legacy service, frozen until the Q3 migration.\n    approvedBy: cto@northwind.example\n    expires: 2026-12-31\n`;
    const dir = tempTree({ 'waivers.yaml': `exceptions:\n${item('a/b')}${item('a/c')}${item('a/b')}` });
    const entries = loadExceptions(join(dir, 'waivers.yaml'), 'waivers.yaml');
    expect(entries.map((e) => e.at)).toEqual(['waivers.yaml:2', 'waivers.yaml:7', 'waivers.yaml:12']);
    expect(overlappingExceptions(entries, today)).toEqual([expect.stringMatching(/^waivers\.yaml:2 and waivers\.yaml:12 both cover REPO-001 for a\/b /)]);
  });
});
