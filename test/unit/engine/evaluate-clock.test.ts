import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { evaluateControl } from '../../../src/engine/evaluate.js';
import type { Control } from '../../../src/controls/schema.js';
import type { AnyCollector } from '../../../src/collectors/types.js';
import type { EvidenceRef } from '../../../src/results.js';

const collector = { id: 'github.deploy-keys', source: 'github', resource: z.object({ createdAt: z.string().describe('added at') }), permissions: ['github:administration:read'] } as unknown as AnyCollector;
const control: Control = {
  id: 'GH-017', title: 'Deploy keys are rotated', criteria: ['CC6.1'], severity: 'low', type: 'automated', description: 'd', remediation: 'r',
  collector: 'github.deploy-keys', params: {}, assert: { key: 'createdAt', op: 'newer-than', value: '1d' },
  file: '/x/controls/GH-017.yaml', source: 'controls/GH-017.yaml', builtin: false, resolvedParams: {}, whenEmptyResolved: 'error',
};
const ref: EvidenceRef = { file: 'evidence/github/x.json', sha256: 'a'.repeat(64), collector: 'github.deploy-keys', params: {}, collectedAt: '2026-06-30T00:00:00.000Z', finishedAt: '2026-06-30T00:00:01.000Z', complete: true, resourceCount: 1, calls: [], gaps: [] };
const outcome = { kind: 'evidence' as const, evidence: { resources: [{ id: 'acme/api', data: { createdAt: '2026-06-29T12:00:00Z' } }], complete: true, gaps: [], calls: [] }, ref };

describe('engine/evaluate (the run\'s clock)', () => {
  it('measures ages from the clock it is given (the run\'s start)', () => {
    expect(evaluateControl(control, outcome, collector, [], '2026-06-30', new Date('2026-06-30T11:59:59Z')).status).toBe('pass');
    expect(evaluateControl(control, outcome, collector, [], '2026-06-30', new Date('2026-06-30T12:00:01Z')).status).toBe('fail');
  });

  it('without one, measures from the start of `today` (UTC), never from the machine\'s clock', () => {
    expect(evaluateControl(control, outcome, collector, [], '2026-06-30').status).toBe('pass');
    expect(evaluateControl(control, outcome, collector, [], '2026-07-01').findings[0]?.message).toBe('acme/api: added at is "2026-06-29T12:00:00Z"; required: newer than 1 day.');
  });
});
