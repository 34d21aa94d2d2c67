import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../src/engine/run.js';

type C = { status: 'pass' | 'fail' | 'error' | 'excepted' | 'manual' | 'not_applicable'; severity: 'critical' | 'high' | 'medium' | 'low'; incomplete?: true };
const c = (status: C['status'], severity: C['severity'] = 'medium', incomplete = false): C => ({ status, severity, ...(incomplete ? { incomplete: true as const } : {}) });

describe('engine/run exitCodeFor', () => {
  it.each([
    ['nothing fails or errors', [c('pass'), c('manual'), c('not_applicable'), c('excepted')], 'low', 0],
    ['a failure at the threshold', [c('pass'), c('fail', 'medium')], 'medium', 1],
    ['a failure above the threshold', [c('fail', 'critical')], 'high', 1],
    ['a failure below the threshold only', [c('fail', 'low')], 'high', 0],
    ['an error and no failure at the threshold', [c('fail', 'low'), c('error')], 'high', 3],
    ['an error only', [c('pass'), c('error', 'low')], 'low', 3],
    ['a failure beats an error', [c('error'), c('fail', 'high')], 'low', 1],
    ['an incomplete failure at the threshold', [c('fail', 'high', true)], 'high', 1],
    // It would have been an error before fail-before-error; the pipeline still hears of the gap.
    ['an incomplete failure below the threshold only', [c('pass'), c('fail', 'low', true)], 'high', 3],
  ] as const)('%s → %i', (_name, controls, failOn, code) => {
    expect(exitCodeFor(controls, failOn)).toBe(code);
  });
});
