/** A small control over the checkout (a SECURITY.md is present), for end-to-end runs that need a pass or a fail quickly. */
export const policyControl = (id: string, severity = 'medium') => `id: ${id}
title: A security policy tells people how to report vulnerabilities
criteria: [CC2.3]
severity: ${severity}
description: The repository has a security policy with a contact address.
rationale: Without one, people who find a vulnerability do not know whom to tell.
collector: repo.security-policy
assert:
  all:
    - { key: securityPolicyPresent, op: eq, value: true }
remediation: Add SECURITY.md with a contact address for vulnerability reports.
`;
