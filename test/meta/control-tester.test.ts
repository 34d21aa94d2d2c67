/**
 * The control tester itself: a case that says something false, or that describes a resource no
 * collector can return, must fail — otherwise the cases in test/controls prove nothing.
 */
import { describe, expect, it } from 'vitest';
import { checkControlCase } from '../helpers/control-tester.js';

/** github.branch-rules: every protection on (the same shape as test/controls/GH.test.ts uses). */
const protectedBranch = {
  defaultBranch: 'main', protected: true, protectionSources: ['ruleset "main"'], pullRequestRequired: true, requiredApprovals: 1,
  dismissStaleReviews: true, requireCodeOwnerReview: true, requireLastPushApproval: false, statusChecksRequired: true,
  requiredStatusChecks: ['build'], strictStatusChecks: true, forcePushesBlocked: true, forcePushBypassActors: [], deletionBlocked: true,
  signedCommitsRequired: true, linearHistoryRequired: false, adminsCanBypass: false, bypassActors: [],
};
const spec = { defaults: protectedBranch };

describe('test/helpers/control-tester', () => {
  it('passes a case that says what the control really decides, and returns the result', async () => {
    const r = await checkControlCase('GH-005', 'fail', { resources: [{ id: 'acme/api', adminsCanBypass: true }], findings: [/^acme\/api: administrators/] }, spec);
    expect(r).toMatchObject({ id: 'GH-005', status: 'fail', counts: { fail: 1 } });
  });

  describe('refuses a resource no collector can return', () => {
    it('a misspelt field, named with the collector', async () => {
      await expect(checkControlCase('GH-005', 'error', { resources: [{ id: 'acme/api', adminsCanByPass: null }], because: /./ }, spec))
        .rejects.toThrow('GH-005: resource 0 (acme/api) has field(s) github.branch-rules does not declare: adminsCanByPass.');
    });

    it('a field of the wrong type', async () => {
      await expect(checkControlCase('GH-005', 'fail', { resources: [{ id: 'acme/api', adminsCanBypass: 'yes' }], findings: [/./] }, spec))
        .rejects.toThrow(/GH-005: resource 0 \(acme\/api\) is not a resource github\.branch-rules can return:[\s\S]*adminsCanBypass/);
    });

    it('a field the collector always sends, left out', async () => {
      const { protected: _left, ...withoutProtected } = protectedBranch;
      await expect(checkControlCase('GH-002', 'error', { resources: [{ id: 'acme/api' }], because: /./ }, { defaults: withoutProtected }))
        .rejects.toThrow(/is not a resource github\.branch-rules can return:[\s\S]*protected/);
    });

    it('an undeclared key inside a list of objects', async () => {
      const owned = {
        codeownersPresent: true, codeownersPath: '.github/CODEOWNERS', ignoredCodeownersFiles: [], ruleCount: 1, owners: ['@acme/devs'], invalidLineCount: 1,
        linesWithoutOwners: [], hasCatchAllRule: true, catchAllLine: 1, catchAllOwners: ['@acme/devs'], filesWithoutOwner: [], filesWithoutOwnerCount: 0,
      };
      const invalidLines = [{ summary: 'line 2: bad owner', line: 2, text: '/x y', reason: 'bad owner', severity: 'high' }];
      await expect(checkControlCase('REPO-001', 'fail', { resources: [{ id: 'acme/api', ...owned, invalidLines }], findings: [/./] }))
        .rejects.toThrow('does not declare: invalidLines[0].severity.');
    });
  });

  describe('fails a case whose expectation is wrong', () => {
    it('another status', async () => {
      await expect(checkControlCase('GH-005', 'pass', { resources: [{ id: 'acme/api', adminsCanBypass: true }] }, spec)).rejects.toThrow(/expected 'fail' to be 'pass'/);
    });

    it('a "could not tell" expected as a failure', async () => {
      await expect(checkControlCase('GH-005', 'fail', { resources: [{ id: 'acme/api', adminsCanBypass: null }], findings: [/./] }, spec)).rejects.toThrow(/expected 'error' to be 'fail'/);
    });

    it('a finding message that does not match', async () => {
      await expect(checkControlCase('GH-005', 'fail', { resources: [{ id: 'acme/api', adminsCanBypass: true }], findings: [/force push/] }, spec)).rejects.toThrow(/to deeply equal/);
    });

    it('fewer findings than the control makes', async () => {
      await expect(checkControlCase('GH-005', 'fail', {
        resources: [{ id: 'acme/api', adminsCanBypass: true }, { id: 'acme/web', adminsCanBypass: true }],
        findings: [/acme\/api/],
      }, spec)).rejects.toThrow(/to deeply equal/);
    });

    it('a finding on another resource', async () => {
      await expect(checkControlCase('GH-005', 'fail', { resources: [{ id: 'acme/api', adminsCanBypass: true }], findings: [{ resource: 'acme/web' }] }, spec)).rejects.toThrow(/to deeply equal/);
    });

    it('a reason that does not match', async () => {
      await expect(checkControlCase('GH-005', 'error', { resources: [{ id: 'acme/api', adminsCanBypass: null }], because: /bypassActors/ }, spec)).rejects.toThrow(/to match/);
    });

    it('counts that differ', async () => {
      await expect(checkControlCase('GH-005', 'pass', { resources: [{ id: 'acme/api' }], counts: { pass: 2 } }, spec)).rejects.toThrow(/to match object/);
    });

    it('a manual control expected to need a reason it does not give', async () => {
      await expect(checkControlCase('MAN-001', 'manual', { because: /one record/ })).rejects.toThrow(/to match/);
    });
  });

  describe('refuses a spec that cannot mean what it says', () => {
    it('automated cases on a manual control', async () => {
      await expect(checkControlCase('MAN-001', 'pass', { resources: [] })).rejects.toThrow('MAN-001 is a manual control: it collects nothing, so only `manual` cases apply.');
    });

    it('a manual case on an automated control', async () => {
      await expect(checkControlCase('GH-005', 'manual', {})).rejects.toThrow('GH-005 is automated (collector github.branch-rules); a `manual` case cannot apply.');
    });

    it('a case with neither resources nor an estate', async () => {
      await expect(checkControlCase('GH-005', 'pass', {}, spec)).rejects.toThrow('GH-005: a case gives either `resources` (`[]` for an empty population) or `estate`, not neither.');
    });

    it('an estate case that also lists gaps', async () => {
      await expect(checkControlCase('REPO-002', 'error', { estate: { repo: {} }, gaps: [{ kind: 'other', message: 'x' }], because: /./ }))
        .rejects.toThrow('REPO-002: an estate case gets its gaps and completeness from the collector; drop `gaps`, `complete` and `facts`.');
    });

    it('files deleted from a checkout that is not a git work tree', async () => {
      await expect(checkControlCase('REPO-002', 'error', { estate: { repo: { 'SECURITY.md': 'x' }, deleted: ['SECURITY.md'] }, because: /./ }))
        .rejects.toThrow('`deleted` files are tracked files missing from the working tree: set `git: true` too.');
    });

    it('a control that is not shipped', async () => {
      await expect(checkControlCase('GH-999', 'pass', { resources: [] })).rejects.toThrow(/GH-999\.yaml/);
    });
  });
});
