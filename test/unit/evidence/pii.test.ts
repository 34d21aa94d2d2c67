import { describe, expect, it } from 'vitest';
import { createPiiMinimizer } from '../../../src/evidence/pii.js';
import type { Evidence } from '../../../src/collectors/types.js';

const KEY = Buffer.alloc(32, 7);

const changes: Evidence<Record<string, unknown>> = {
  resources: [
    { id: 'acme/api#12', data: { author: 'alice-nw', mergedBy: 'Bob-NW', approvals: ['carol APPROVED at 2026-02-01T10:00:00Z on abc1234'], title: 'Fix login for alice-nw' } },
    { id: 'acme/api@deadbeef', data: { author: 'Dana Example', mergedBy: 'Dana Example', approvals: [] } },
    { id: 'acme/api#13', data: { author: 'dependabot[bot]', mergedBy: 'ghost', approvals: [] } },
  ],
  facts: { outsideCollaborators: ['erin (write)'] },
  complete: true,
  gaps: [],
  calls: [],
  attachments: { 'changes.csv': 'author,merged_by\r\nalice-nw,Bob-NW\r\nDana Example,Dana Example\r\n' },
};

describe('evidence/pii', () => {
  it('replaces e-mail addresses, IAM user names in ARNs and assumed-role sessions anywhere, keeping the rest of the text', () => {
    const m = createPiiMinimizer(KEY);
    const out = m.text('Contact dana@example.com; denied to arn:aws:iam::123456789012:user/ops/alice.ng and arn:aws:sts::123456789012:assumed-role/Admin/erin@example.com. git@github.com:acme/api.git stays.');
    expect(out).toMatch(/^Contact email-[0-9a-f]{10}; denied to arn:aws:iam::123456789012:user\/iam-user-[0-9a-f]{10} and arn:aws:sts::123456789012:assumed-role\/Admin\/email-[0-9a-f]{10}\. git@github\.com:acme\/api\.git stays\.$/);
    expect(out).not.toMatch(/dana|alice|erin/);
  });

  it('learns the people evidence names and replaces every whole-word mention, the same person by the same token (logins ignore case)', () => {
    const m = createPiiMinimizer(KEY);
    m.learnEvidence(changes);
    const out = m.deep(changes);
    const text = JSON.stringify(out);
    for (const name of ['alice-nw', 'Bob-NW', 'carol', 'Dana Example', 'erin']) expect(text, name).not.toContain(name);
    const r0 = out.resources[0]!.data as { author: string; mergedBy: string; approvals: string[]; title: string };
    expect(r0.author).toMatch(/^person-[0-9a-f]{10}$/);
    expect(r0.title).toBe(`Fix login for ${r0.author}`);
    expect(r0.approvals[0]).toMatch(/^person-[0-9a-f]{10} APPROVED at 2026-02-01T10:00:00Z on abc1234$/);
    expect(m.text('bob-nw')).toBe(m.text('Bob-NW'));
    expect(out.attachments!['changes.csv']).toBe(`author,merged_by\r\n${r0.author},${r0.mergedBy}\r\n${m.text('Dana Example')},${m.text('Dana Example')}\r\n`);
    // Bots and GitHub's placeholders are not people; words that merely contain a name are left alone.
    expect((out.resources[2]!.data as { author: string }).author).toBe('dependabot[bot]');
    expect((out.resources[2]!.data as { mergedBy: string }).mergedBy).toBe('ghost');
    expect(m.text('malice-nw and carolina')).toBe('malice-nw and carolina');
    // Object keys are field names, never rewritten.
    expect(Object.keys(out.resources[0]!.data)).toEqual(['author', 'mergedBy', 'approvals', 'title']);
  });

  it('gives another token under another run key, and counts what it replaced', () => {
    const a = createPiiMinimizer(KEY);
    const b = createPiiMinimizer(Buffer.alloc(32, 8));
    a.learnName('alice-nw');
    b.learnName('alice-nw');
    expect(a.text('alice-nw')).not.toBe(b.text('alice-nw'));
    const c = createPiiMinimizer(KEY);
    c.learnEvidence(changes);
    c.deep(changes);
    c.text('mail dana@example.com');
    const stats = c.stats();
    expect(stats.identities).toBe(6); // alice-nw, bob-nw, carol, dana example, erin, dana@example.com
    expect(stats.kinds).toEqual(['email', 'login or name']);
    expect(stats.replacements).toBeGreaterThan(stats.identities);
  });

  it('learns the name of an IAM user resource from AWS Config', () => {
    const m = createPiiMinimizer(KEY);
    m.learnEvidence({ resources: [{ id: 'AIDA5NWALICE0000001', type: 'AWS::IAM::User', data: { resourceName: 'alice.ng' } }], complete: true, gaps: [], calls: [] });
    expect(m.text('alice.ng has no MFA.')).toMatch(/^person-[0-9a-f]{10} has no MFA\.$/);
  });
});
