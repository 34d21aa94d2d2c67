/**
 * Cases for the AWS controls (controls/AWS-*.yaml). AWS-001 reads the Config recorder itself; the
 * others read per-resource results of AWS Config managed rules. Their "could not tell" cases run
 * the real collector against the fake AWS Config: an estate where one of the control's rules is
 * not deployed must end the control in error, whatever the deployed rules say.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { testControl, type ResourceCase } from '../helpers/control-tester.js';
import { builtinControlsDir } from '../../src/paths.js';
import { RULE_CATALOG, ruleNameOf } from '../../src/sandbox/aws-rule-catalog.js';
import { demoAwsEstate, type AwsEstate } from '../../src/sandbox/estate/aws.js';
import { ACCOUNT, estate, region, rule } from '../fakes/aws-estates.js';

const REGION = 'us-east-1';

/** The managed rules a control names in its params, read from the shipped YAML. */
function rulesOf(controlId: string): string[] {
  const yaml = parse(readFileSync(join(builtinControlsDir, `${controlId}.yaml`), 'utf8')) as { params?: { rules?: string[] } };
  return yaml.params?.rules ?? [];
}

/**
 * One result of an AWS Config managed rule, as aws.config-rules reports it. The rule must be one
 * the control names (a case about another rule would test nothing the control does), and the
 * resource type defaults to the first one the rule evaluates.
 */
function result(
  controlId: string, identifier: string, resourceId: string,
  opts: { compliance?: 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE'; annotation?: string; type?: string; region?: string } = {},
): ResourceCase {
  if (!rulesOf(controlId).includes(identifier)) throw new Error(`${controlId} does not name the rule ${identifier}; its rules are ${rulesOf(controlId).join(', ')}.`);
  const type = opts.type ?? RULE_CATALOG[identifier]?.resourceTypes[0];
  if (!type) throw new Error(`The sandbox's rule catalogue does not know ${identifier}; give the resource type.`);
  const compliance = opts.compliance ?? 'COMPLIANT';
  const name = ruleNameOf(identifier);
  return {
    id: resourceId,
    type,
    region: opts.region ?? REGION,
    account: ACCOUNT,
    ...(compliance === 'NOT_APPLICABLE' ? { notApplicable: `AWS Config rule ${name} reports NOT_APPLICABLE for this resource.` } : {}),
    evaluation: `${compliance} with rule ${name}${opts.annotation ? `: ${opts.annotation}` : ''}`,
    rule: name,
    ruleIdentifier: identifier,
    compliance,
    resourceType: type,
    annotation: opts.annotation ?? null,
    evaluatedAt: '2026-04-01T07:00:00.000Z',
    conformancePack: null,
  };
}

const compliant = (controlId: string, identifier: string, resourceId: string, type?: string) => result(controlId, identifier, resourceId, type ? { type } : {});
const nonCompliant = (controlId: string, identifier: string, resourceId: string, annotation: string, type?: string) =>
  result(controlId, identifier, resourceId, { compliance: 'NON_COMPLIANT', annotation, ...(type ? { type } : {}) });
const notApplicable = (controlId: string, identifier: string, resourceId: string) => result(controlId, identifier, resourceId, { compliance: 'NOT_APPLICABLE' });

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
/** The finding a NON_COMPLIANT result makes: the resource with its type, region and account, the rule, and Config's explanation. */
const configSays = (resourceId: string, type: string, identifier: string, annotation: string) => ({
  resource: resourceId,
  message: new RegExp(`^${escape(resourceId)} \\(${escape(type)}, ${REGION}, account ${ACCOUNT}\\): AWS Config evaluation is "NON_COMPLIANT with rule ${ruleNameOf(identifier)}: ${escape(annotation)}"; required: COMPLIANT with the rule\\.$`),
});

/** An account in one region whose Config has every rule of the control but `missing`, each with one compliant resource. */
function deployedExcept(controlId: string, missing: string): { aws: AwsEstate } {
  const rules = rulesOf(controlId);
  if (!rules.includes(missing)) throw new Error(`${controlId} does not name the rule ${missing}.`);
  const deployed = rules.filter((r) => r !== missing).map((identifier) => rule(ACCOUNT, REGION, {
    identifier,
    resources: [{ resourceType: RULE_CATALOG[identifier]!.resourceTypes[0]!, resourceId: `${ruleNameOf(identifier)}-target` }],
  }));
  return { aws: estate([{ id: ACCOUNT, regions: { [REGION]: region(ACCOUNT, REGION, deployed) } }]) };
}
/** The error case every rule-based control has: one of its rules is missing from AWS Config, the others comply. */
const missingRule = (controlId: string, identifier: string) => ({
  name: rulesOf(controlId).length === 1
    ? `${identifier}, the control's only rule, is not deployed`
    : `${identifier} is not deployed; the control's other rules are, and find nothing wrong`,
  estate: deployedExcept(controlId, identifier),
  because: new RegExp(`^Evidence is incomplete: AWS Config rule ${identifier} is not deployed in [^:]+: deploy it`),
});

/** aws.config-recorder: a recorder that records everything, globally too, and delivers. */
const healthyRecorder = {
  exists: true,
  recording: true,
  allSupported: true,
  includesGlobalResourceTypes: true,
  globalResourceTypesRecordedInScope: true,
  lastStatus: 'SUCCESS',
  lastErrorCode: null,
  lastStatusChangeAt: '2026-04-01T08:00:00.000Z',
  deliveryChannelExists: true,
  deliveryChannel: 'default',
  deliveryBucket: `config-bucket-${ACCOUNT}`,
  lastDeliveryStatus: 'SUCCESS',
  trusted: true,
  problems: [],
};
const recorderIn = (regionName: string): ResourceCase => ({ id: 'default', type: 'AWS::Config::ConfigurationRecorder', region: regionName, account: ACCOUNT });

testControl('AWS-001', {
  defaults: healthyRecorder,
  pass: [
    {
      name: 'two regions recording; global types recorded in one of them',
      resources: [recorderIn('us-east-1'), { ...recorderIn('eu-west-1'), includesGlobalResourceTypes: false }],
    },
    { name: 'a healthy account in the fake AWS Config', estate: { aws: estate([{ id: ACCOUNT, regions: { [REGION]: region(ACCOUNT, REGION) } }]) } },
  ],
  fail: [
    {
      name: 'a region without a recorder',
      resources: [recorderIn('us-east-1'), {
        ...recorderIn('eu-west-1'), id: 'config-recorder', exists: false, recording: false, allSupported: false, includesGlobalResourceTypes: false, lastStatus: 'NONE',
        lastStatusChangeAt: null, deliveryChannelExists: false, deliveryChannel: null, deliveryBucket: null, lastDeliveryStatus: 'NONE', trusted: false, problems: ['no recorder', 'no delivery channel'],
      }],
      findings: [/^config-recorder \(AWS::Config::ConfigurationRecorder, eu-west-1, account 111111111111\): a configuration recorder exists is false; required: a configuration recorder in this region; recording is false; required: the recorder running; records all supported resource types is false; required: all supported resource types recorded; last recording status is "NONE"; required: the last recording attempt succeeded; a delivery channel exists is false; required: a delivery channel\.$/],
    },
    {
      name: 'the sample estate: the recorder in eu-west-1 is stopped',
      estate: { aws: demoAwsEstate() },
      findings: [{ resource: 'default', message: /^default \(AWS::Config::ConfigurationRecorder, eu-west-1, account 210987654321\): recording is false; required: the recorder running\.$/ }],
      counts: { pass: 2, fail: 1 },
    },
    {
      name: 'no region in scope records global resource types',
      resources: [{ ...recorderIn('us-east-1'), includesGlobalResourceTypes: false, globalResourceTypesRecordedInScope: false }],
      findings: [/global resource types are recorded in at least one region in scope is false; required: global resource types \(IAM\) recorded in one region in scope\.$/],
    },
  ],
  error: [
    {
      name: 'AWS did not send the recorder status',
      resources: [{ ...recorderIn('us-east-1'), recording: null, lastStatus: null }],
      because: /^Evidence is incomplete: default \(AWS::Config::ConfigurationRecorder, us-east-1, account 111111111111\): AWS Config did not report whether recording \(recording\) or last recording status \(lastStatus\); reading them needs config:DescribeConfigurationRecorderStatus\.$/,
    },
    { name: 'no region was read', resources: [], because: /^Nothing to check: the collector found no resources; an empty population is not evidence/ },
  ],
});

testControl('AWS-002', {
  pass: [{
    resources: [compliant('AWS-002', 'ROOT_ACCOUNT_MFA_ENABLED', ACCOUNT), compliant('AWS-002', 'ROOT_ACCOUNT_HARDWARE_MFA_ENABLED', ACCOUNT), compliant('AWS-002', 'IAM_ROOT_ACCESS_KEY_CHECK', ACCOUNT)],
  }],
  fail: [{
    resources: [compliant('AWS-002', 'ROOT_ACCOUNT_MFA_ENABLED', ACCOUNT), nonCompliant('AWS-002', 'ROOT_ACCOUNT_HARDWARE_MFA_ENABLED', ACCOUNT, 'The root user has a virtual MFA device, not a hardware one.')],
    findings: [configSays(ACCOUNT, 'AWS::::Account', 'ROOT_ACCOUNT_HARDWARE_MFA_ENABLED', 'The root user has a virtual MFA device, not a hardware one.')],
  }],
  error: [missingRule('AWS-002', 'IAM_ROOT_ACCESS_KEY_CHECK')],
});

testControl('AWS-003', {
  pass: [{ resources: [compliant('AWS-003', 'IAM_USER_MFA_ENABLED', 'AIDAANA'), compliant('AWS-003', 'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS', 'AIDAANA')] }],
  fail: [{
    resources: [compliant('AWS-003', 'IAM_USER_MFA_ENABLED', 'AIDAANA'), nonCompliant('AWS-003', 'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS', 'AIDADEPLOYER', 'User legacy-deployer has a console password and no MFA device.')],
    findings: [configSays('AIDADEPLOYER', 'AWS::IAM::User', 'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS', 'User legacy-deployer has a console password and no MFA device.')],
  }],
  not_applicable: [{ name: 'no IAM users at all', resources: [notApplicable('AWS-003', 'IAM_USER_MFA_ENABLED', 'AIDAROOTONLY')], because: /^Nothing to check: every resource found is out of scope\.$/ }],
  error: [missingRule('AWS-003', 'IAM_USER_MFA_ENABLED')],
});

testControl('AWS-004', {
  pass: [{ resources: [compliant('AWS-004', 'IAM_PASSWORD_POLICY', ACCOUNT), compliant('AWS-004', 'ACCESS_KEYS_ROTATED', 'AIDAANA')] }],
  fail: [{
    resources: [nonCompliant('AWS-004', 'ACCESS_KEYS_ROTATED', 'AIDADEPLOYER', 'Access key AKIA…7QX2 is 212 days old.')],
    findings: [configSays('AIDADEPLOYER', 'AWS::IAM::User', 'ACCESS_KEYS_ROTATED', 'Access key AKIA…7QX2 is 212 days old.')],
  }],
  error: [missingRule('AWS-004', 'IAM_PASSWORD_POLICY')],
});

testControl('AWS-005', {
  pass: [{ resources: [compliant('AWS-005', 'IAM_USER_NO_POLICIES_CHECK', 'AIDAANA'), compliant('AWS-005', 'IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS', 'ANPAREADONLY')] }],
  fail: [{
    resources: [nonCompliant('AWS-005', 'IAM_USER_NO_POLICIES_CHECK', 'AIDADEPLOYER', 'Policy AdministratorAccess is attached to the user directly.'), compliant('AWS-005', 'IAM_USER_NO_POLICIES_CHECK', 'AIDAANA')],
    findings: [configSays('AIDADEPLOYER', 'AWS::IAM::User', 'IAM_USER_NO_POLICIES_CHECK', 'Policy AdministratorAccess is attached to the user directly.')],
  }],
  error: [missingRule('AWS-005', 'IAM_NO_INLINE_POLICY_CHECK')],
});

testControl('AWS-006', {
  pass: [{ resources: [compliant('AWS-006', 'MULTI_REGION_CLOUD_TRAIL_ENABLED', ACCOUNT), compliant('AWS-006', 'CLOUDTRAIL_S3_DATAEVENTS_ENABLED', ACCOUNT)] }],
  fail: [{
    resources: [nonCompliant('AWS-006', 'CLOUDTRAIL_S3_DATAEVENTS_ENABLED', ACCOUNT, 'No trail records S3 data events.')],
    findings: [configSays(ACCOUNT, 'AWS::::Account', 'CLOUDTRAIL_S3_DATAEVENTS_ENABLED', 'No trail records S3 data events.')],
  }],
  error: [missingRule('AWS-006', 'MULTI_REGION_CLOUD_TRAIL_ENABLED')],
});

testControl('AWS-007', {
  pass: [{ resources: [compliant('AWS-007', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', ACCOUNT)] }],
  fail: [{
    resources: [nonCompliant('AWS-007', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', ACCOUNT, 'BlockPublicPolicy is off.')],
    findings: [configSays(ACCOUNT, 'AWS::S3::AccountPublicAccessBlock', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', 'BlockPublicPolicy is off.')],
  }],
  error: [missingRule('AWS-007', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS')],
});

testControl('AWS-008', {
  pass: [{ resources: [compliant('AWS-008', 'CLOUDFRONT_VIEWER_POLICY_HTTPS', 'E2QWRUHEXAMPLE')] }],
  fail: [{
    resources: [nonCompliant('AWS-008', 'CLOUDFRONT_VIEWER_POLICY_HTTPS', 'E2QWRUHEXAMPLE', 'The default cache behaviour allows HTTP.')],
    findings: [configSays('E2QWRUHEXAMPLE', 'AWS::CloudFront::Distribution', 'CLOUDFRONT_VIEWER_POLICY_HTTPS', 'The default cache behaviour allows HTTP.')],
  }],
  not_applicable: [{ name: 'no CloudFront distributions', resources: [] }],
  error: [missingRule('AWS-008', 'CLOUDFRONT_VIEWER_POLICY_HTTPS')],
});

testControl('AWS-009', {
  pass: [{
    resources: [compliant('AWS-009', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'acme-data'), compliant('AWS-009', 'ENCRYPTED_VOLUMES', 'vol-0a1b2c'), compliant('AWS-009', 'RDS_STORAGE_ENCRYPTED', 'db-orders')],
  }],
  fail: [{
    resources: [nonCompliant('AWS-009', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'acme-exports', 'Default encryption is not configured.'), compliant('AWS-009', 'ENCRYPTED_VOLUMES', 'vol-0a1b2c')],
    findings: [configSays('acme-exports', 'AWS::S3::Bucket', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'Default encryption is not configured.')],
    counts: { pass: 1, fail: 1 },
  }],
  error: [
    missingRule('AWS-009', 'RDS_SNAPSHOT_ENCRYPTED'),
    {
      name: 'a region whose recorder is stopped cannot vouch for its resources, even when the others comply',
      resources: [compliant('AWS-009', 'ENCRYPTED_VOLUMES', 'vol-0a1b2c')],
      gaps: [{ kind: 'precondition', resource: 'eu-west-1', message: 'AWS Config is not recording in eu-west-1 (recorder stopped): evidence from this region cannot be trusted; start the recorder.' }],
      because: /^Evidence is incomplete: AWS Config is not recording in eu-west-1/,
    },
  ],
});

testControl('AWS-010', {
  pass: [{ resources: [compliant('AWS-010', 'CLOUDWATCH_LOG_GROUP_ENCRYPTED', '/aws/lambda/api'), compliant('AWS-010', 'SNS_ENCRYPTED_KMS', 'arn:aws:sns:us-east-1:111111111111:alerts')] }],
  fail: [{
    resources: [nonCompliant('AWS-010', 'CLOUDWATCH_LOG_GROUP_ENCRYPTED', '/aws/lambda/api', 'The log group has no KMS key.')],
    findings: [configSays('/aws/lambda/api', 'AWS::Logs::LogGroup', 'CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'The log group has no KMS key.')],
  }],
  error: [missingRule('AWS-010', 'SNS_ENCRYPTED_KMS')],
});

testControl('AWS-011', {
  pass: [{ resources: [compliant('AWS-011', 'KMS_CMK_NOT_SCHEDULED_FOR_DELETION', 'mrk-1234'), compliant('AWS-011', 'SECRETSMANAGER_ROTATION_ENABLED_CHECK', 'prod/db-password')] }],
  fail: [{
    resources: [nonCompliant('AWS-011', 'SECRETSMANAGER_ROTATION_ENABLED_CHECK', 'prod/db-password', 'Rotation is not enabled.')],
    findings: [configSays('prod/db-password', 'AWS::SecretsManager::Secret', 'SECRETSMANAGER_ROTATION_ENABLED_CHECK', 'Rotation is not enabled.')],
  }],
  error: [missingRule('AWS-011', 'KMS_CMK_NOT_SCHEDULED_FOR_DELETION')],
});

testControl('AWS-012', {
  pass: [{ resources: [compliant('AWS-012', 'S3_BUCKET_SSL_REQUESTS_ONLY', 'acme-data'), compliant('AWS-012', 'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK', 'app/web/50dc6c495c0c9188')] }],
  fail: [{
    resources: [nonCompliant('AWS-012', 'S3_BUCKET_SSL_REQUESTS_ONLY', 'acme-exports', 'The bucket policy does not deny requests without TLS.')],
    findings: [configSays('acme-exports', 'AWS::S3::Bucket', 'S3_BUCKET_SSL_REQUESTS_ONLY', 'The bucket policy does not deny requests without TLS.')],
  }],
  error: [missingRule('AWS-012', 'ACM_CERTIFICATE_EXPIRATION_CHECK')],
});

testControl('AWS-013', {
  pass: [{ resources: [compliant('AWS-013', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', 'acme-data'), compliant('AWS-013', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED', 'acme-data')] }],
  fail: [{
    resources: [nonCompliant('AWS-013', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', 'acme-site', 'The bucket ACL grants READ to AllUsers.')],
    findings: [configSays('acme-site', 'AWS::S3::Bucket', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', 'The bucket ACL grants READ to AllUsers.')],
  }],
  error: [missingRule('AWS-013', 'S3_BUCKET_POLICY_GRANTEE_CHECK')],
});

testControl('AWS-014', {
  pass: [{ resources: [compliant('AWS-014', 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK', 'db-orders'), compliant('AWS-014', 'RDS_SNAPSHOTS_PUBLIC_PROHIBITED', 'rds:db-orders-2026-03-31')] }],
  fail: [{
    resources: [nonCompliant('AWS-014', 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK', 'db-reporting', 'PubliclyAccessible is true.')],
    findings: [configSays('db-reporting', 'AWS::RDS::DBInstance', 'RDS_INSTANCE_PUBLIC_ACCESS_CHECK', 'PubliclyAccessible is true.')],
  }],
  error: [missingRule('AWS-014', 'REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK')],
});

testControl('AWS-015', {
  pass: [{ resources: [compliant('AWS-015', 'EC2_INSTANCE_NO_PUBLIC_IP', 'i-0aa11bb22cc33dd44'), compliant('AWS-015', 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED', 'api-handler')] }],
  fail: [{
    resources: [nonCompliant('AWS-015', 'EC2_INSTANCE_NO_PUBLIC_IP', 'i-0b45c7e9d1f2a3b4c', 'Instance nw-bastion has a public IP address.')],
    findings: [configSays('i-0b45c7e9d1f2a3b4c', 'AWS::EC2::Instance', 'EC2_INSTANCE_NO_PUBLIC_IP', 'Instance nw-bastion has a public IP address.')],
  }],
  error: [missingRule('AWS-015', 'LAMBDA_INSIDE_VPC')],
});

testControl('AWS-016', {
  pass: [{ resources: [compliant('AWS-016', 'EMR_MASTER_NO_PUBLIC_IP', 'j-2AXXXXXXGAPLF'), compliant('AWS-016', 'EMR_KERBEROS_ENABLED', 'j-2AXXXXXXGAPLF')] }],
  fail: [{
    resources: [nonCompliant('AWS-016', 'EMR_KERBEROS_ENABLED', 'j-2AXXXXXXGAPLF', 'The cluster has no Kerberos configuration.')],
    findings: [configSays('j-2AXXXXXXGAPLF', RULE_CATALOG.EMR_KERBEROS_ENABLED!.resourceTypes[0]!, 'EMR_KERBEROS_ENABLED', 'The cluster has no Kerberos configuration.')],
  }],
  not_applicable: [{ name: 'no EMR clusters', resources: [] }],
  error: [missingRule('AWS-016', 'EMR_MASTER_NO_PUBLIC_IP')],
});

testControl('AWS-017', {
  pass: [{ resources: [compliant('AWS-017', 'INCOMING_SSH_DISABLED', 'sg-0app'), compliant('AWS-017', 'VPC_DEFAULT_SECURITY_GROUP_CLOSED', 'sg-0default')] }],
  fail: [{
    resources: [nonCompliant('AWS-017', 'INCOMING_SSH_DISABLED', 'sg-04mzq4eh0r1oads50', 'Security group nw-app allows SSH (port 22) from 0.0.0.0/0.')],
    findings: [configSays('sg-04mzq4eh0r1oads50', 'AWS::EC2::SecurityGroup', 'INCOMING_SSH_DISABLED', 'Security group nw-app allows SSH (port 22) from 0.0.0.0/0.')],
  }],
  error: [missingRule('AWS-017', 'RESTRICTED_INCOMING_TRAFFIC')],
});

testControl('AWS-018', {
  pass: [{ resources: [compliant('AWS-018', 'CLOUD_TRAIL_ENABLED', ACCOUNT), compliant('AWS-018', 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', 'org-trail')] }],
  fail: [{
    resources: [nonCompliant('AWS-018', 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', 'org-trail', 'Log file validation is off.')],
    findings: [configSays('org-trail', RULE_CATALOG.CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED!.resourceTypes[0]!, 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', 'Log file validation is off.')],
  }],
  error: [missingRule('AWS-018', 'CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED')],
});

testControl('AWS-019', {
  pass: [{ resources: [compliant('AWS-019', 'S3_BUCKET_LOGGING_ENABLED', 'acme-data'), compliant('AWS-019', 'VPC_FLOW_LOGS_ENABLED', 'vpc-0abc')] }],
  fail: [{
    resources: [nonCompliant('AWS-019', 'S3_BUCKET_LOGGING_ENABLED', 'acme-exports', 'Server access logging is off.')],
    findings: [configSays('acme-exports', 'AWS::S3::Bucket', 'S3_BUCKET_LOGGING_ENABLED', 'Server access logging is off.')],
  }],
  error: [missingRule('AWS-019', 'CW_LOGGROUP_RETENTION_PERIOD_CHECK')],
});

testControl('AWS-020', {
  pass: [{ resources: [compliant('AWS-020', 'GUARDDUTY_ENABLED_CENTRALIZED', ACCOUNT), compliant('AWS-020', 'SECURITYHUB_ENABLED', ACCOUNT)] }],
  fail: [{
    resources: [nonCompliant('AWS-020', 'GUARDDUTY_NON_ARCHIVED_FINDINGS', ACCOUNT, '3 high-severity findings are older than 1 day.')],
    findings: [configSays(ACCOUNT, 'AWS::::Account', 'GUARDDUTY_NON_ARCHIVED_FINDINGS', '3 high-severity findings are older than 1 day.')],
  }],
  error: [missingRule('AWS-020', 'SECURITYHUB_ENABLED')],
});

testControl('AWS-021', {
  pass: [{ resources: [compliant('AWS-021', 'CLOUDWATCH_ALARM_ACTION_CHECK', 'api-5xx-alarm'), compliant('AWS-021', 'EC2_INSTANCE_DETAILED_MONITORING_ENABLED', 'i-0aa11bb22cc33dd44')] }],
  fail: [{
    resources: [nonCompliant('AWS-021', 'CLOUDWATCH_ALARM_ACTION_CHECK', 'api-5xx-alarm', 'The alarm has no action for the ALARM state.')],
    findings: [configSays('api-5xx-alarm', RULE_CATALOG.CLOUDWATCH_ALARM_ACTION_CHECK!.resourceTypes[0]!, 'CLOUDWATCH_ALARM_ACTION_CHECK', 'The alarm has no action for the ALARM state.')],
  }],
  error: [
    missingRule('AWS-021', 'EC2_INSTANCE_DETAILED_MONITORING_ENABLED'),
    {
      name: 'a rule whose last evaluation failed cannot be relied on',
      estate: {
        aws: estate([{
          id: ACCOUNT,
          regions: {
            [REGION]: region(ACCOUNT, REGION, [
              rule(ACCOUNT, REGION, { identifier: 'CLOUDWATCH_ALARM_ACTION_CHECK', resources: [], failedWith: { code: 'InvalidParameterValueException', message: 'The parameter alarmActionRequired is invalid.' } }),
              rule(ACCOUNT, REGION, { identifier: 'EC2_INSTANCE_DETAILED_MONITORING_ENABLED', resources: [{ resourceType: 'AWS::EC2::Instance', resourceId: 'i-0aa11bb22cc33dd44' }] }),
            ]),
          },
        }]),
      },
      because: /^Evidence is incomplete: AWS Config rule cloudwatch-alarm-action-check in us-east-1 .*InvalidParameterValueException/,
    },
  ],
});

testControl('AWS-022', {
  pass: [{ resources: [compliant('AWS-022', 'LAMBDA_CONCURRENCY_CHECK', 'api-handler'), compliant('AWS-022', 'EBS_OPTIMIZED_INSTANCE', 'i-0aa11bb22cc33dd44')] }],
  fail: [{
    resources: [nonCompliant('AWS-022', 'LAMBDA_DLQ_CHECK', 'api-handler', 'The function has no dead-letter queue.')],
    findings: [configSays('api-handler', 'AWS::Lambda::Function', 'LAMBDA_DLQ_CHECK', 'The function has no dead-letter queue.')],
  }],
  error: [missingRule('AWS-022', 'LAMBDA_CONCURRENCY_CHECK')],
});

testControl('AWS-023', {
  pass: [{ resources: [compliant('AWS-023', 'EC2_INSTANCE_MANAGED_BY_SSM', 'i-0aa11bb22cc33dd44')] }],
  fail: [{
    resources: [nonCompliant('AWS-023', 'EC2_INSTANCE_MANAGED_BY_SSM', 'i-0b45c7e9d1f2a3b4c', 'The instance is not a Systems Manager managed instance.')],
    findings: [configSays('i-0b45c7e9d1f2a3b4c', 'AWS::EC2::Instance', 'EC2_INSTANCE_MANAGED_BY_SSM', 'The instance is not a Systems Manager managed instance.')],
  }],
  error: [missingRule('AWS-023', 'EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK')],
});

testControl('AWS-024', {
  pass: [{ resources: [compliant('AWS-024', 'CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK', 'api-build'), compliant('AWS-024', 'CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK', 'api-build')] }],
  fail: [{
    resources: [nonCompliant('AWS-024', 'CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK', 'api-build', 'Environment variable AWS_SECRET_ACCESS_KEY is set in plain text.')],
    findings: [configSays('api-build', RULE_CATALOG.CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK!.resourceTypes[0]!, 'CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK', 'Environment variable AWS_SECRET_ACCESS_KEY is set in plain text.')],
  }],
  not_applicable: [{ name: 'no CodeBuild projects', resources: [] }],
  error: [missingRule('AWS-024', 'CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK')],
});

testControl('AWS-025', {
  pass: [{ resources: [compliant('AWS-025', 'DB_INSTANCE_BACKUP_ENABLED', 'db-orders'), compliant('AWS-025', 'DYNAMODB_PITR_ENABLED', 'sessions')] }],
  fail: [{
    resources: [nonCompliant('AWS-025', 'DYNAMODB_PITR_ENABLED', 'sessions', 'Point-in-time recovery is off.')],
    findings: [configSays('sessions', 'AWS::DynamoDB::Table', 'DYNAMODB_PITR_ENABLED', 'Point-in-time recovery is off.')],
  }],
  error: [missingRule('AWS-025', 'S3_BUCKET_VERSIONING_ENABLED')],
});

testControl('AWS-026', {
  pass: [{ resources: [compliant('AWS-026', 'RDS_IN_BACKUP_PLAN', 'db-orders'), compliant('AWS-026', 'DYNAMODB_IN_BACKUP_PLAN', 'sessions')] }],
  fail: [{
    resources: [nonCompliant('AWS-026', 'RDS_IN_BACKUP_PLAN', 'db-reporting', 'The instance is not in any AWS Backup plan.')],
    findings: [configSays('db-reporting', 'AWS::RDS::DBInstance', 'RDS_IN_BACKUP_PLAN', 'The instance is not in any AWS Backup plan.')],
  }],
  error: [missingRule('AWS-026', 'EFS_IN_BACKUP_PLAN')],
});

testControl('AWS-027', {
  pass: [{ resources: [compliant('AWS-027', 'BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK', 'daily-35d'), compliant('AWS-027', 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED', 'prod-vault')] }],
  fail: [{
    resources: [nonCompliant('AWS-027', 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED', 'prod-vault', 'The vault access policy does not deny DeleteRecoveryPoint.')],
    findings: [configSays('prod-vault', 'AWS::Backup::BackupVault', 'BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED', 'The vault access policy does not deny DeleteRecoveryPoint.')],
  }],
  not_applicable: [{ name: 'AWS Backup not used', resources: [] }],
  error: [missingRule('AWS-027', 'BACKUP_RECOVERY_POINT_ENCRYPTED')],
});

testControl('AWS-028', {
  pass: [{
    name: 'an RDS instance with deletion protection; buckets without Object Lock are not applicable',
    resources: [compliant('AWS-028', 'RDS_INSTANCE_DELETION_PROTECTION_ENABLED', 'db-orders'), notApplicable('AWS-028', 'S3_BUCKET_DEFAULT_LOCK_ENABLED', 'acme-data')],
    counts: { pass: 1, notApplicable: 1 },
  }],
  fail: [{
    resources: [nonCompliant('AWS-028', 'RDS_INSTANCE_DELETION_PROTECTION_ENABLED', 'db-orders', 'DeletionProtection is false.')],
    findings: [configSays('db-orders', 'AWS::RDS::DBInstance', 'RDS_INSTANCE_DELETION_PROTECTION_ENABLED', 'DeletionProtection is false.')],
  }],
  error: [missingRule('AWS-028', 'RDS_INSTANCE_DELETION_PROTECTION_ENABLED')],
});

testControl('AWS-029', {
  pass: [{
    name: 'a table that scales automatically and an Auto Scaling group behind a load balancer with its health checks',
    resources: [compliant('AWS-029', 'DYNAMODB_AUTOSCALING_ENABLED', 'orders'), compliant('AWS-029', 'AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED', 'web-asg')],
    counts: { pass: 2 },
  }],
  fail: [{
    resources: [nonCompliant('AWS-029', 'DYNAMODB_AUTOSCALING_ENABLED', 'sessions', 'Auto scaling is not enabled for the table.'), compliant('AWS-029', 'AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED', 'web-asg')],
    findings: [configSays('sessions', 'AWS::DynamoDB::Table', 'DYNAMODB_AUTOSCALING_ENABLED', 'Auto scaling is not enabled for the table.')],
  }],
  error: [missingRule('AWS-029', 'AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED')],
});

testControl('AWS-030', {
  pass: [{ resources: [compliant('AWS-030', 'INSPECTOR_EC2_SCAN_ENABLED', ACCOUNT), compliant('AWS-030', 'IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED', ACCOUNT)], counts: { pass: 2 } }],
  fail: [{
    resources: [nonCompliant('AWS-030', 'INSPECTOR_EC2_SCAN_ENABLED', ACCOUNT, 'Amazon Inspector EC2 scanning is not activated.')],
    findings: [configSays(ACCOUNT, 'AWS::::Account', 'INSPECTOR_EC2_SCAN_ENABLED', 'Amazon Inspector EC2 scanning is not activated.')],
  }],
  error: [missingRule('AWS-030', 'IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED')],
});

testControl('AWS-031', {
  pass: [{ resources: [compliant('AWS-031', 'EC2_VOLUME_INUSE_CHECK', 'vol-0a1b2c3d4e5f60718'), compliant('AWS-031', 'S3_LIFECYCLE_POLICY_CHECK', 'acme-logs')], counts: { pass: 2 } }],
  fail: [{
    resources: [nonCompliant('AWS-031', 'EC2_VOLUME_INUSE_CHECK', 'vol-0c9e2f4a6b8d0e1f2', 'The volume is not attached to an instance.')],
    findings: [configSays('vol-0c9e2f4a6b8d0e1f2', 'AWS::EC2::Volume', 'EC2_VOLUME_INUSE_CHECK', 'The volume is not attached to an instance.')],
  }],
  error: [missingRule('AWS-031', 'S3_LIFECYCLE_POLICY_CHECK')],
});

testControl('AWS-032', {
  pass: [{ resources: [compliant('AWS-032', 'RDS_LAST_BACKUP_RECOVERY_POINT_CREATED', 'db-orders'), compliant('AWS-032', 'S3_LAST_BACKUP_RECOVERY_POINT_CREATED', 'acme-data')], counts: { pass: 2 } }],
  fail: [{
    resources: [nonCompliant('AWS-032', 'RDS_LAST_BACKUP_RECOVERY_POINT_CREATED', 'db-orders', 'No recovery point was created in the last day.')],
    findings: [configSays('db-orders', 'AWS::RDS::DBInstance', 'RDS_LAST_BACKUP_RECOVERY_POINT_CREATED', 'No recovery point was created in the last day.')],
  }],
  error: [missingRule('AWS-032', 'EFS_LAST_BACKUP_RECOVERY_POINT_CREATED')],
});

testControl('AWS-033', {
  pass: [{ resources: [compliant('AWS-033', 'RDS_MEETS_RESTORE_TIME_TARGET', 'db-orders')], counts: { pass: 1 } }],
  fail: [{
    resources: [nonCompliant('AWS-033', 'RDS_MEETS_RESTORE_TIME_TARGET', 'db-orders', 'The latest restore took longer than maxRestoreTime.')],
    findings: [configSays('db-orders', 'AWS::RDS::DBInstance', 'RDS_MEETS_RESTORE_TIME_TARGET', 'The latest restore took longer than maxRestoreTime.')],
  }],
  error: [missingRule('AWS-033', 'DYNAMODB_MEETS_RESTORE_TIME_TARGET')],
});

testControl('AWS-034', {
  pass: [{ resources: [compliant('AWS-034', 'RDS_MULTI_AZ_SUPPORT', 'db-orders'), compliant('AWS-034', 'AUTOSCALING_MULTIPLE_AZ', 'web-asg')], counts: { pass: 2 } }],
  fail: [{
    resources: [nonCompliant('AWS-034', 'RDS_MULTI_AZ_SUPPORT', 'db-reporting', 'The DB instance is not Multi-AZ.')],
    findings: [configSays('db-reporting', 'AWS::RDS::DBInstance', 'RDS_MULTI_AZ_SUPPORT', 'The DB instance is not Multi-AZ.')],
  }],
  error: [missingRule('AWS-034', 'LAMBDA_VPC_MULTI_AZ_CHECK')],
});
