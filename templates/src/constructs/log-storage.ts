import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * A customer-managed key (rotation on, retained, 30-day deletion window) whose policy also lets
 * CloudWatch Logs use it for the log groups of this account and region.
 */
export function logsCapableKey(scope: Construct, id: string, description: string): kms.Key {
  const stack = Stack.of(scope);
  const key = new kms.Key(scope, id, { description, enableKeyRotation: true, pendingWindow: Duration.days(30), removalPolicy: RemovalPolicy.RETAIN });
  // CloudWatch Logs encrypts log groups with the key itself, on behalf of log groups in this account.
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
      },
    }),
  );
  return key;
}

export interface AccessLogBucketOptions {
  /** What delivers the logs, for the recorded reasons, e.g. `ALB`. */
  readonly source: string;
  /** `BUCKET_OWNER_ENFORCED` (ACLs off) unless the log delivery writes with ACLs. */
  readonly objectOwnership: s3.ObjectOwnership;
  /** @default Duration.days(365) */
  readonly retention?: Duration;
  /** checkov checks that also do not apply, beyond those of every log sink. */
  readonly moreCheckovSkips?: readonly string[];
}

/**
 * A bucket that only receives access logs: SSE-S3 (what AWS log deliveries support), TLS only, no
 * public access, versioned (a deleted or overwritten log stays recoverable until its noncurrent
 * version expires after 30 days), logs expire after `retention`, retained with the stack.
 */
export function accessLogBucket(scope: Construct, id: string, options: AccessLogBucketOptions): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: options.objectOwnership,
    versioned: true,
    lifecycleRules: [
      {
        id: 'expire-access-logs',
        expiration: options.retention ?? Duration.days(365),
        noncurrentVersionExpiration: Duration.days(30),
        abortIncompleteMultipartUploadAfter: Duration.days(7),
      },
    ],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const reason =
    `This bucket only receives ${options.source} access logs. Logging its own access to another bucket, ` +
    `event notifications and a customer-managed KMS key (unsupported by ${options.source} log delivery) add nothing here.`;
  Validations.of(bucket).acknowledge({ id: 'AwsSolutions-S1', reason });
  (bucket.node.defaultChild as s3.CfnBucket).addMetadata('checkov', {
    skip: ['CKV_AWS_18', 'CKV2_AWS_62', 'CKV_AWS_145', ...(options.moreCheckovSkips ?? [])].map((checkId) => ({ id: checkId, comment: reason })),
  });
  return bucket;
}
