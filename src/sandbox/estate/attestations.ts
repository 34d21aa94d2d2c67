/**
 * The demo's manual evidence: Northwind's attestations file and the files it names, written into
 * the demo's working directory. One control is fully attested, one only in part (an attestation
 * expired during the period, an item nobody attested), so the demo shows both outcomes. Dates are
 * relative to the estate's clock (2026-04-01).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEMO_ATTESTATIONS_FILE = 'attestations.yaml';

const FILES: Record<string, string> = {
  'manual-evidence/infosec-policy-v4.pdf': '%PDF-1.4\n% Northwind Analytics — Information Security Policy, version 4, approved 2026-01-12 (sample document)\n',
  'manual-evidence/policy-acknowledgements-2026Q1.csv': 'employee,acknowledged_on\r\nE-1001,2026-01-13\r\nE-1002,2026-01-14\r\nE-1003,2026-01-20\r\n',
  'manual-evidence/incident-response-plan-v2.pdf': '%PDF-1.4\n% Northwind Analytics — Incident Response Plan, version 2 (sample document)\n',
};

const ATTESTATIONS = `# Manual evidence for the Northwind Analytics sample estate (soc2 demo).
attestations:
  - control: MAN-001
    covers: [1, 2]
    attestedBy: Dana Whitfield, CISO
    attestedOn: 2026-01-15
    validUntil: 2027-01-15
    evidence:
      - file: manual-evidence/infosec-policy-v4.pdf
      - link: https://wiki.northwind.example/security/policy-approval-2026-01-12
  - control: MAN-001
    covers: [3]
    attestedBy: Sam Okafor, Head of People
    attestedOn: 2026-03-31
    validUntil: 2026-12-31
    evidence:
      - file: manual-evidence/policy-acknowledgements-2026Q1.csv
  - control: MAN-008
    covers: [1]
    attestedBy: Dana Whitfield, CISO
    attestedOn: 2025-03-01
    validUntil: 2026-02-28
    evidence:
      - file: manual-evidence/incident-response-plan-v2.pdf
    note: The plan is under review; the new version awaits approval.
  - control: MAN-008
    covers: [2]
    attestedBy: Dana Whitfield, CISO
    attestedOn: 2026-02-20
    validUntil: 2027-02-20
    evidence:
      - link: https://wiki.northwind.example/security/tabletop-2026-02-19
`;

/** Writes the attestations file and its evidence files under `dir`; returns the file's name relative to it. */
export function writeDemoAttestations(dir: string): string {
  for (const [rel, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  writeFileSync(join(dir, DEMO_ATTESTATIONS_FILE), ATTESTATIONS);
  return DEMO_ATTESTATIONS_FILE;
}
