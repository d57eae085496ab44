import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** AWS managed rule groups the web ACL runs, in order (name, what it stops). */
export const MANAGED_RULE_GROUPS = [
  ['AWSManagedRulesAmazonIpReputationList', 'sources on Amazon threat intelligence lists'],
  ['AWSManagedRulesCommonRuleSet', 'OWASP Top 10 style exploits (core rule set)'],
  ['AWSManagedRulesKnownBadInputsRuleSet', 'known-bad request patterns (e.g. Log4Shell)'],
  ['AWSManagedRulesSQLiRuleSet', 'SQL injection'],
] as const;

export interface WebFirewallProps {
  /** `CLOUDFRONT` for a distribution (the stack must then be in us-east-1) or `REGIONAL`. */
  readonly scope: 'CLOUDFRONT' | 'REGIONAL';
  /** Name of the web ACL and of its metrics; its log group is `aws-waf-logs-<name>`. */
  readonly name: string;
  /**
   * Requests one client IP may send in any 5-minute window before it is blocked.
   * @default 1000
   */
  readonly rateLimitPer5Minutes?: number;
  /** Customer-managed key for the log group (its policy must admit CloudWatch Logs). */
  readonly encryptionKey: kms.IKey;
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * An AWS WAF web ACL: AWS managed rule groups (IP reputation, core rule set, known bad inputs,
 * SQL injection) and a per-client-IP rate rule, with every request logged to CloudWatch Logs
 * (the `authorization` header redacted).
 */
export class WebFirewall extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: WebFirewallProps) {
    super(scope, id);
    const rateLimit = props.rateLimitPer5Minutes ?? 1000;
    if (rateLimit < 10) throw new Error(`rateLimitPer5Minutes must be at least 10 (AWS WAF's minimum), got ${rateLimit}`);
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName,
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: props.name,
      scope: props.scope,
      defaultAction: { allow: {} },
      visibilityConfig: visibility(props.name),
      rules: [
        ...MANAGED_RULE_GROUPS.map(([name], index): wafv2.CfnWebACL.RuleProperty => ({
          name,
          priority: index,
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
          overrideAction: { none: {} },
          visibilityConfig: visibility(name),
        })),
        {
          name: 'RatePerClientIp',
          priority: MANAGED_RULE_GROUPS.length,
          statement: { rateBasedStatement: { limit: rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          action: { block: {} },
          visibilityConfig: visibility('RatePerClientIp'),
        },
      ],
    });

    // WAF delivers only to log groups whose name starts with aws-waf-logs-.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-${props.name}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without the `:*` suffix that LogGroup.logGroupArn carries.
      logDestinationConfigs: [
        Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: this.logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      redactedFields: [{ singleHeader: { Name: 'authorization' } }],
    });
  }

  /** ARN of the web ACL (what a distribution's `webAclId` takes). */
  public get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}
