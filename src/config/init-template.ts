/** The commented starter configuration `soc2 init` writes. */
export const STARTER_CONFIG = `# soc2.config.yaml — what soc2 checks and over which period.
# Every key is optional; an unknown key is an error that names it.
# Schema for editors: # yaml-language-server: $schema=./node_modules/soc2/schemas/config.schema.json

# The review period (inclusive). Default: the 90 days before today.
# period: { start: 2026-01-01, end: 2026-03-31 }

# AWS evidence comes from AWS Config. Remove this section to leave AWS out of scope
# (its controls are then reported as not applicable, with the reason).
# Credentials: the AWS SDK's own chain (AWS_PROFILE, AWS_ACCESS_KEY_ID…, SSO, roles, IMDS).
# aws:
#   regions: [us-east-1, eu-west-1]     # default: the SDK's region (AWS_REGION)
#   aggregator: org-aggregator          # optional: every account and region at once
#   profile: audit                      # optional: a named profile
#   maxEvaluationAgeHours: 48           # older rule evaluations are not trusted

# GitHub evidence. Token: GITHUB_TOKEN or GH_TOKEN (never in this file).
# github:
#   org: acme
#   repos: { include: ["*"], exclude: ["sandbox-*"] }
#   includeForks: false
#   # tokenEnv: SOC2_GITHUB_TOKEN                  # another variable; its name must start with GITHUB_, GH_ or SOC2_
#   # apiUrl: https://github.example.com/api/v3   # GitHub Enterprise Server: used only when GITHUB_API_URL
#   #                                             # or --github-api-url gives the same URL (this file alone
#   #                                             # never sends the token to a new host); https unless loopback
#   # cacheMaxMegabytes: 100                      # ETag cache budget (.soc2-cache/github; 0 = no cache)

# The local checkout the repo.* controls read.
repo:
  path: .

# Control library: "builtin" is the set shipped with soc2; add your own directories.
# exclude leaves controls out; a file of yours with a built-in control's id replaces
# that control when exclude names the id.
controls:
  paths: [builtin]
  exclude: []
  # Tune a control without copying it (results.json records each change for the auditor).
  # A parameter given replaces the control's own value for that key (a list is replaced,
  # not extended; \`soc2 controls show REPO-008\` prints the current values); keys not
  # given keep theirs. Checked against the collector's parameters, like a control file.
  # params:
  #   REPO-008: { exclude: ["test/fixtures/**", "docs/examples/**"] }
  # severity:
  #   GH-017: low

# Approved exceptions (waivers) with justification, approver and expiry.
# exceptions: soc2-exceptions.yaml

# Manual evidence: who attests which evidenceRequired items of a manual control, until when, with
# which files (copied into the report) or links. See the README, "Manual evidence".
# attestations: attestations.yaml

# concurrency: 8        # collector calls in flight at once
# timeoutSeconds: 300   # time limit for one collector call
`;
