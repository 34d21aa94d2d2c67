/**
 * What each managed rule the control library names evaluates, so the sandbox can build plausible
 * evaluation results: the resource types a rule reports on, and whether it is a periodic
 * account-level check. The rules of AWS's SOC 2 conformance pack come first, then the managed rules
 * beyond the pack that the library also uses. Sandbox data only; soc2's collectors never consult it.
 */

export interface CatalogRule {
  /** Resource types the rule reports results for ('AWS::::Account' for account-level checks). */
  resourceTypes: readonly string[];
  /** Periodic rules run on a schedule (24 h here); the others run on configuration changes. */
  periodic?: boolean;
  /** Evaluates global resources (IAM, the root user, CloudFront): deployed in one region only. */
  global?: boolean;
  /** The name AWS gives the rule (console, managed-rule docs) when it differs from the identifier's. */
  awsName?: string;
}

const ACCOUNT = ['AWS::::Account'];
const BUCKET = ['AWS::S3::Bucket'];
const INSTANCE = ['AWS::EC2::Instance'];
const VOLUME = ['AWS::EC2::Volume'];
const SG = ['AWS::EC2::SecurityGroup'];
const DB = ['AWS::RDS::DBInstance'];
const LAMBDA = ['AWS::Lambda::Function'];
const IAM_USER = ['AWS::IAM::User'];
const ELB = ['AWS::ElasticLoadBalancing::LoadBalancer'];
const ALB = ['AWS::ElasticLoadBalancingV2::LoadBalancer'];
const ES = ['AWS::Elasticsearch::Domain'];
const REDSHIFT = ['AWS::Redshift::Cluster'];
const DDB = ['AWS::DynamoDB::Table'];
const EFS = ['AWS::EFS::FileSystem'];
const TRAIL = ['AWS::CloudTrail::Trail'];
const LOGS = ['AWS::Logs::LogGroup'];
const ASG = ['AWS::AutoScaling::AutoScalingGroup'];

/** The 115 managed rules of AWS's SOC 2 conformance pack (data/aws-soc2-conformance-pack.tsv). */
export const SOC2_PACK_RULES: Readonly<Record<string, CatalogRule>> = {
  ACCESS_KEYS_ROTATED: { resourceTypes: IAM_USER, periodic: true, global: true },
  ACM_CERTIFICATE_EXPIRATION_CHECK: { resourceTypes: ['AWS::ACM::Certificate'] },
  ALB_HTTP_DROP_INVALID_HEADER_ENABLED: { resourceTypes: ALB },
  ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK: { resourceTypes: ALB, periodic: true },
  ALB_WAF_ENABLED: { resourceTypes: ALB },
  API_GW_CACHE_ENABLED_AND_ENCRYPTED: { resourceTypes: ['AWS::ApiGateway::Stage'] },
  API_GW_EXECUTION_LOGGING_ENABLED: { resourceTypes: ['AWS::ApiGateway::Stage', 'AWS::ApiGatewayV2::Stage'] },
  AURORA_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: ['AWS::RDS::DBCluster'], periodic: true },
  BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK: { resourceTypes: ['AWS::Backup::BackupPlan'] },
  BACKUP_RECOVERY_POINT_ENCRYPTED: { resourceTypes: ['AWS::Backup::RecoveryPoint'] },
  BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED: { resourceTypes: ['AWS::Backup::BackupVault'] },
  BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK: { resourceTypes: ['AWS::Backup::RecoveryPoint'] },
  CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED: { resourceTypes: TRAIL, periodic: true },
  CLOUD_TRAIL_ENABLED: { resourceTypes: ACCOUNT, periodic: true, awsName: 'cloudtrail-enabled' },
  CLOUD_TRAIL_ENCRYPTION_ENABLED: { resourceTypes: TRAIL, periodic: true },
  CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED: { resourceTypes: TRAIL, periodic: true },
  CLOUDFRONT_VIEWER_POLICY_HTTPS: { resourceTypes: ['AWS::CloudFront::Distribution'], global: true },
  CLOUDTRAIL_S3_DATAEVENTS_ENABLED: { resourceTypes: ACCOUNT, periodic: true, global: true },
  CLOUDTRAIL_SECURITY_TRAIL_ENABLED: { resourceTypes: ACCOUNT, periodic: true, global: true },
  CLOUDWATCH_ALARM_ACTION_CHECK: { resourceTypes: ['AWS::CloudWatch::Alarm'] },
  CLOUDWATCH_LOG_GROUP_ENCRYPTED: { resourceTypes: LOGS, periodic: true },
  CODEBUILD_PROJECT_ENVVAR_AWSCRED_CHECK: { resourceTypes: ['AWS::CodeBuild::Project'] },
  CODEBUILD_PROJECT_SOURCE_REPO_URL_CHECK: { resourceTypes: ['AWS::CodeBuild::Project'] },
  CW_LOGGROUP_RETENTION_PERIOD_CHECK: { resourceTypes: LOGS, periodic: true },
  DB_INSTANCE_BACKUP_ENABLED: { resourceTypes: DB },
  DMS_REPLICATION_NOT_PUBLIC: { resourceTypes: ['AWS::DMS::ReplicationInstance'], periodic: true },
  DYNAMODB_IN_BACKUP_PLAN: { resourceTypes: DDB, periodic: true },
  DYNAMODB_PITR_ENABLED: { resourceTypes: DDB },
  DYNAMODB_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: DDB, periodic: true },
  EBS_IN_BACKUP_PLAN: { resourceTypes: VOLUME, periodic: true },
  EBS_OPTIMIZED_INSTANCE: { resourceTypes: INSTANCE },
  EBS_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: VOLUME, periodic: true },
  EBS_SNAPSHOT_PUBLIC_RESTORABLE_CHECK: { resourceTypes: ACCOUNT, periodic: true },
  EC2_EBS_ENCRYPTION_BY_DEFAULT: { resourceTypes: ACCOUNT, periodic: true },
  EC2_INSTANCE_DETAILED_MONITORING_ENABLED: { resourceTypes: INSTANCE },
  EC2_INSTANCE_MANAGED_BY_SSM: { resourceTypes: INSTANCE, awsName: 'ec2-instance-managed-by-systems-manager' },
  EC2_INSTANCE_NO_PUBLIC_IP: { resourceTypes: INSTANCE },
  EC2_MANAGEDINSTANCE_ASSOCIATION_COMPLIANCE_STATUS_CHECK: { resourceTypes: ['AWS::SSM::AssociationCompliance'] },
  EC2_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: INSTANCE, periodic: true },
  EC2_SECURITY_GROUP_ATTACHED_TO_ENI: { resourceTypes: SG },
  EFS_ENCRYPTED_CHECK: { resourceTypes: EFS, periodic: true },
  EFS_IN_BACKUP_PLAN: { resourceTypes: EFS, periodic: true },
  EFS_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: EFS, periodic: true },
  EIP_ATTACHED: { resourceTypes: ['AWS::EC2::EIP'] },
  ELASTICACHE_REDIS_CLUSTER_AUTOMATIC_BACKUP_CHECK: { resourceTypes: ['AWS::ElastiCache::CacheCluster'], periodic: true },
  ELASTICSEARCH_ENCRYPTED_AT_REST: { resourceTypes: ES, periodic: true },
  ELASTICSEARCH_IN_VPC_ONLY: { resourceTypes: ES, periodic: true },
  ELASTICSEARCH_NODE_TO_NODE_ENCRYPTION_CHECK: { resourceTypes: ES },
  ELB_ACM_CERTIFICATE_REQUIRED: { resourceTypes: ELB },
  ELB_CUSTOM_SECURITY_POLICY_SSL_CHECK: { resourceTypes: ELB },
  ELB_LOGGING_ENABLED: { resourceTypes: [...ELB, ...ALB] },
  ELB_PREDEFINED_SECURITY_POLICY_SSL_CHECK: { resourceTypes: ELB },
  ELB_TLS_HTTPS_LISTENERS_ONLY: { resourceTypes: ELB },
  EMR_KERBEROS_ENABLED: { resourceTypes: ['AWS::EMR::Cluster'], periodic: true },
  EMR_MASTER_NO_PUBLIC_IP: { resourceTypes: ['AWS::EMR::Cluster'], periodic: true },
  ENCRYPTED_VOLUMES: { resourceTypes: VOLUME },
  FSX_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: ['AWS::FSx::FileSystem'], periodic: true },
  GUARDDUTY_ENABLED_CENTRALIZED: { resourceTypes: ACCOUNT, periodic: true },
  GUARDDUTY_NON_ARCHIVED_FINDINGS: { resourceTypes: ACCOUNT, periodic: true },
  IAM_GROUP_HAS_USERS_CHECK: { resourceTypes: ['AWS::IAM::Group'], global: true },
  IAM_NO_INLINE_POLICY_CHECK: { resourceTypes: ['AWS::IAM::User', 'AWS::IAM::Role', 'AWS::IAM::Group'], global: true },
  IAM_PASSWORD_POLICY: { resourceTypes: ACCOUNT, periodic: true, global: true },
  IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS: { resourceTypes: ['AWS::IAM::Policy'], global: true },
  IAM_ROOT_ACCESS_KEY_CHECK: { resourceTypes: ACCOUNT, periodic: true, global: true },
  IAM_USER_GROUP_MEMBERSHIP_CHECK: { resourceTypes: IAM_USER, global: true },
  IAM_USER_MFA_ENABLED: { resourceTypes: IAM_USER, periodic: true, global: true },
  IAM_USER_NO_POLICIES_CHECK: { resourceTypes: IAM_USER, global: true },
  IAM_USER_UNUSED_CREDENTIALS_CHECK: { resourceTypes: IAM_USER, periodic: true, global: true },
  INCOMING_SSH_DISABLED: { resourceTypes: SG, awsName: 'restricted-ssh' },
  INSTANCES_IN_VPC: { resourceTypes: INSTANCE, awsName: 'ec2-instances-in-vpc' },
  INTERNET_GATEWAY_AUTHORIZED_VPC_ONLY: { resourceTypes: ['AWS::EC2::InternetGateway'] },
  KMS_CMK_NOT_SCHEDULED_FOR_DELETION: { resourceTypes: ['AWS::KMS::Key'] },
  LAMBDA_CONCURRENCY_CHECK: { resourceTypes: LAMBDA },
  LAMBDA_DLQ_CHECK: { resourceTypes: LAMBDA },
  LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED: { resourceTypes: LAMBDA },
  LAMBDA_INSIDE_VPC: { resourceTypes: LAMBDA },
  MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS: { resourceTypes: IAM_USER, periodic: true, global: true },
  MULTI_REGION_CLOUD_TRAIL_ENABLED: { resourceTypes: ACCOUNT, periodic: true, global: true, awsName: 'multi-region-cloudtrail-enabled' },
  RDS_IN_BACKUP_PLAN: { resourceTypes: DB, periodic: true },
  RDS_INSTANCE_DELETION_PROTECTION_ENABLED: { resourceTypes: DB },
  RDS_INSTANCE_PUBLIC_ACCESS_CHECK: { resourceTypes: DB },
  RDS_LOGGING_ENABLED: { resourceTypes: DB },
  RDS_RESOURCES_PROTECTED_BY_BACKUP_PLAN: { resourceTypes: DB, periodic: true },
  RDS_SNAPSHOT_ENCRYPTED: { resourceTypes: ['AWS::RDS::DBSnapshot', 'AWS::RDS::DBClusterSnapshot'] },
  RDS_SNAPSHOTS_PUBLIC_PROHIBITED: { resourceTypes: ['AWS::RDS::DBSnapshot', 'AWS::RDS::DBClusterSnapshot'] },
  RDS_STORAGE_ENCRYPTED: { resourceTypes: DB },
  REDSHIFT_BACKUP_ENABLED: { resourceTypes: REDSHIFT },
  REDSHIFT_CLUSTER_CONFIGURATION_CHECK: { resourceTypes: REDSHIFT },
  REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK: { resourceTypes: REDSHIFT },
  REDSHIFT_REQUIRE_TLS_SSL: { resourceTypes: REDSHIFT, periodic: true },
  RESTRICTED_INCOMING_TRAFFIC: { resourceTypes: SG, awsName: 'restricted-common-ports' },
  ROOT_ACCOUNT_HARDWARE_MFA_ENABLED: { resourceTypes: ACCOUNT, periodic: true, global: true },
  ROOT_ACCOUNT_MFA_ENABLED: { resourceTypes: ACCOUNT, periodic: true, global: true },
  S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS: { resourceTypes: ['AWS::S3::AccountPublicAccessBlock'], global: true },
  S3_BUCKET_DEFAULT_LOCK_ENABLED: { resourceTypes: BUCKET },
  S3_BUCKET_LOGGING_ENABLED: { resourceTypes: BUCKET },
  S3_BUCKET_POLICY_GRANTEE_CHECK: { resourceTypes: BUCKET },
  S3_BUCKET_PUBLIC_READ_PROHIBITED: { resourceTypes: BUCKET },
  S3_BUCKET_PUBLIC_WRITE_PROHIBITED: { resourceTypes: BUCKET },
  S3_BUCKET_REPLICATION_ENABLED: { resourceTypes: BUCKET },
  S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: { resourceTypes: BUCKET },
  S3_BUCKET_SSL_REQUESTS_ONLY: { resourceTypes: BUCKET },
  S3_BUCKET_VERSIONING_ENABLED: { resourceTypes: BUCKET },
  SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED: { resourceTypes: ['AWS::SageMaker::EndpointConfig'], periodic: true },
  SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED: { resourceTypes: ['AWS::SageMaker::NotebookInstance'], periodic: true },
  SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS: { resourceTypes: ['AWS::SageMaker::NotebookInstance'], periodic: true },
  SECRETSMANAGER_ROTATION_ENABLED_CHECK: { resourceTypes: ['AWS::SecretsManager::Secret'] },
  SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK: { resourceTypes: ['AWS::SecretsManager::Secret'] },
  SECURITYHUB_ENABLED: { resourceTypes: ACCOUNT, periodic: true },
  SNS_ENCRYPTED_KMS: { resourceTypes: ['AWS::SNS::Topic'] },
  VPC_DEFAULT_SECURITY_GROUP_CLOSED: { resourceTypes: SG },
  VPC_FLOW_LOGS_ENABLED: { resourceTypes: ['AWS::EC2::VPC'], periodic: true },
  VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS: { resourceTypes: SG },
  WAF_CLASSIC_LOGGING_ENABLED: { resourceTypes: ['AWS::WAF::WebACL'], periodic: true },
  WAFV2_LOGGING_ENABLED: { resourceTypes: ['AWS::WAFv2::WebACL'], periodic: true },
};

/**
 * Managed rules outside the SOC 2 pack that controls AWS-029 to AWS-034 name
 * (data/aws-config-rules-beyond-pack.tsv), as AWS's managed-rule pages describe them. They are
 * deployed by hand or by another template, never by the SOC 2 pack.
 */
export const BEYOND_PACK_RULES: Readonly<Record<string, CatalogRule>> = {
  AUTOSCALING_GROUP_ELB_HEALTHCHECK_REQUIRED: { resourceTypes: ASG },
  AUTOSCALING_MULTIPLE_AZ: { resourceTypes: ASG },
  DYNAMODB_AUTOSCALING_ENABLED: { resourceTypes: DDB, periodic: true },
  DYNAMODB_LAST_BACKUP_RECOVERY_POINT_CREATED: { resourceTypes: DDB, periodic: true },
  DYNAMODB_MEETS_RESTORE_TIME_TARGET: { resourceTypes: DDB, periodic: true },
  DYNAMODB_THROUGHPUT_LIMIT_CHECK: { resourceTypes: ACCOUNT, periodic: true },
  EBS_LAST_BACKUP_RECOVERY_POINT_CREATED: { resourceTypes: VOLUME, periodic: true },
  EBS_MEETS_RESTORE_TIME_TARGET: { resourceTypes: VOLUME, periodic: true },
  EC2_LAST_BACKUP_RECOVERY_POINT_CREATED: { resourceTypes: INSTANCE, periodic: true },
  EC2_MEETS_RESTORE_TIME_TARGET: { resourceTypes: INSTANCE, periodic: true },
  EC2_STOPPED_INSTANCE: { resourceTypes: INSTANCE, periodic: true },
  EC2_VOLUME_INUSE_CHECK: { resourceTypes: VOLUME },
  EFS_LAST_BACKUP_RECOVERY_POINT_CREATED: { resourceTypes: EFS, periodic: true },
  EFS_MEETS_RESTORE_TIME_TARGET: { resourceTypes: EFS, periodic: true },
  ELB_CROSS_ZONE_LOAD_BALANCING_ENABLED: { resourceTypes: ELB },
  IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED: { resourceTypes: ACCOUNT, periodic: true },
  INSPECTOR_EC2_SCAN_ENABLED: { resourceTypes: ACCOUNT, periodic: true },
  INSPECTOR_LAMBDA_STANDARD_SCAN_ENABLED: { resourceTypes: ACCOUNT, periodic: true },
  LAMBDA_VPC_MULTI_AZ_CHECK: { resourceTypes: LAMBDA },
  RDS_CLUSTER_MULTI_AZ_ENABLED: { resourceTypes: ['AWS::RDS::DBCluster'] },
  RDS_LAST_BACKUP_RECOVERY_POINT_CREATED: { resourceTypes: DB, periodic: true },
  RDS_MEETS_RESTORE_TIME_TARGET: { resourceTypes: DB, periodic: true },
  RDS_MULTI_AZ_SUPPORT: { resourceTypes: DB },
  S3_LAST_BACKUP_RECOVERY_POINT_CREATED: { resourceTypes: BUCKET, periodic: true },
  S3_LIFECYCLE_POLICY_CHECK: { resourceTypes: BUCKET },
  S3_MEETS_RESTORE_TIME_TARGET: { resourceTypes: BUCKET, periodic: true },
  S3_VERSION_LIFECYCLE_POLICY_CHECK: { resourceTypes: BUCKET },
};

/**
 * Every rule the sandbox knows. The pack's rules come first so that the bench estate, which takes
 * the first N identifiers, keeps the rules it always had.
 */
export const RULE_CATALOG: Readonly<Record<string, CatalogRule>> = { ...SOC2_PACK_RULES, ...BEYOND_PACK_RULES };

/** Managed rule identifier → the name AWS's templates give the rule (S3_BUCKET_X → s3-bucket-x). */
export function ruleNameOf(identifier: string): string {
  return identifier.toLowerCase().replace(/_/g, '-');
}

/** The name a rule gets when someone adds it in the Config console: AWS's own name for it. */
export function consoleNameOf(identifier: string): string {
  return RULE_CATALOG[identifier]?.awsName ?? ruleNameOf(identifier);
}

/** Longest rule name Config keeps (ConfigRuleName 1..64 in the compliance APIs). */
export const MAX_RULE_NAME = 64;

/**
 * The name a conformance pack gives a rule: `<name>-conformance-pack-<pack id>`, with `<name>` cut
 * so that the whole fits the 64-character limit.
 */
export function packRuleName(name: string, packId: string): string {
  const suffix = `-${packId}`;
  return name.slice(0, MAX_RULE_NAME - suffix.length) + suffix;
}
