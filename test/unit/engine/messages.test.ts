import { describe, expect, it } from 'vitest';
import { evaluateAssertion } from '../../../src/engine/assert.js';
import { describeRequirement, durationText, explainCount, findingMessage, unreportedMessage } from '../../../src/engine/messages.js';
import type { Assertion } from '../../../src/controls/schema.js';

const now = new Date('2026-04-01T00:00:00Z');
const labels: Record<string, string> = { alerts: 'open alerts', 'alerts.severity': 'severity', 'alerts.createdAt': 'opened at', keys: 'deploy keys' };
const label = (k: string) => labels[k];

const alert = (n: number, severity: string | null, createdAt: string) => ({ severity, createdAt, summary: `alert #${n}` });
const data = {
  alerts: [alert(1, 'critical', '2026-01-01T00:00:00Z'), alert(2, 'critical', '2026-01-02T00:00:00Z'), alert(3, null, '2026-01-03T00:00:00Z')],
  keys: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
};
const late: Assertion = { all: [{ key: 'severity', op: 'eq', value: 'critical' }, { key: 'createdAt', op: 'older-than', value: '7d' }] };

function message(a: Assertion): string {
  const out = evaluateAssertion(a, data, { now });
  return out.verdict === 'fail' ? findingMessage('acme/api', out.failures, label) : unreportedMessage('acme/api', 'GitHub', out.failures, (k) => ({ label: label(k), yesNo: false, permissions: ['github:dependabot_alerts:read'] }));
}

describe('engine/messages (age operators and count)', () => {
  it.each([['7d', '7 days'], ['1d', '1 day'], ['48h', '48 hours'], ['1h', '1 hour'], ['2w', '2 weeks'], ['1w', '1 week']])('says %s as %s', (text, words) => {
    expect(durationText(text)).toBe(words);
  });

  it('states an age requirement in words', () => {
    expect(describeRequirement({ op: 'older-than', expected: '365d' })).toBe('older than 365 days');
    expect(describeRequirement({ op: 'newer-than', expected: '1w' }, true)).toBe('not newer than 1 week');
  });

  it('names the items a failing count found, under the control\'s label', () => {
    expect(message({ count: { key: 'alerts', where: late, label: 'critical alerts open longer than 7 days' }, op: 'eq', value: 0 }))
      .toBe('acme/api: critical alerts open longer than 7 days: 2 — alert #1, alert #2; required: none.');
  });

  it('says what is counted in words of its own when the control gives no label', () => {
    expect(message({ count: { key: 'alerts', where: late }, op: 'eq', value: 0 }))
      .toBe('acme/api: open alerts where severity is "critical" and opened at older than 7 days: 2 — alert #1, alert #2; required: none.');
    expect(message({ count: { key: 'alerts' }, op: 'lte', value: 1 })).toBe('acme/api: open alerts: 3 — alert #1, alert #2, alert #3; required: at most 1.');
  });

  it('shows five items and how many more, text without quotes', () => {
    expect(message({ count: { key: 'keys' }, op: 'eq', value: 0 })).toBe('acme/api: deploy keys: 7 — a, b, c, d, e, and 2 more; required: none.');
  });

  it('uses the control\'s wording of the requirement, and says "not" under a negation', () => {
    expect(message({ count: { key: 'keys', label: 'keys' }, op: 'lt', value: 3, message: 'fewer than three keys' })).toBe('acme/api: keys: 7 — a, b, c, d, e, and 2 more; required: fewer than three keys.');
    expect(message({ not: { count: { key: 'alerts', where: { key: 'createdAt', op: 'newer-than', value: '1d' }, label: 'alerts opened today' }, op: 'eq', value: 0 } })).toBe('acme/api: alerts opened today: 0; required: at least 1.');
  });

  it('says which items and fields left a count undecided, one clause for counts held up by the same ones', () => {
    const both: Assertion = { all: [
      { count: { key: 'alerts', where: { all: [{ key: 'severity', op: 'eq', value: 'low' }, { key: 'createdAt', op: 'older-than', value: '7d' }] }, label: 'low alerts open longer than 7 days' }, op: 'eq', value: 0 },
      { count: { key: 'alerts', where: { all: [{ key: 'severity', op: 'eq', value: 'medium' }, { key: 'createdAt', op: 'older-than', value: '30d' }] }, label: 'medium alerts open longer than 30 days' }, op: 'eq', value: 0 },
    ] };
    expect(message(both)).toBe('acme/api: could not tell low alerts open longer than 7 days or medium alerts open longer than 30 days: GitHub did not report severity (alerts.severity) of alert #3; reading it needs github:dependabot_alerts:read.');
  });

  it('says a list the source did not send the way any unreported field is said', () => {
    expect(message({ count: { key: 'missing' }, op: 'eq', value: 0 })).toBe('acme/api: GitHub did not report missing (missing); reading it needs github:dependabot_alerts:read.');
  });

  it('explains a count for `soc2 controls show`', () => {
    expect(explainCount({ count: { key: 'alerts', where: late, label: 'critical alerts open longer than 7 days' }, op: 'eq', value: 0 }, label)).toBe('critical alerts open longer than 7 days: none');
    expect(explainCount({ count: { key: 'keys' }, op: 'lte', value: 2 }, label)).toBe('deploy keys: at most 2');
  });
});
