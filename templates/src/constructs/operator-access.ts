import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { PORT_FORWARDING_DOCUMENT } from '../operator/port-forwarding.js';
import type { DatabaseUserConfig } from '../stack-config.js';
import type { Database } from './database.js';
import type { Service } from './service.js';
import { wildcardArn } from './wildcard-arn.js';

/** The levels operators may connect as: never the service's read-write or schema-owner users. */
const OPERATOR_ACCESS = new Set<DatabaseUserConfig['access']>(['admin', 'read-only']);

/** The configured users operators may connect as, in configuration order. */
export function operatorUsers(users: readonly DatabaseUserConfig[]): string[] {
  return users.filter((user) => OPERATOR_ACCESS.has(user.access)).map((user) => user.name);
}

export interface OperatorAccessProps {
  /**
   * IAM role or user ARNs that may assume the operator role (e.g. an IAM Identity Center permission
   * set's role). Exactly these are trusted; nothing else.
   */
  readonly operators: readonly string[];
  /** The database users operators may connect as (the admin and read-only users). */
  readonly users: readonly string[];
  /** The stage's database: operators connect through its proxy, or to its instance for DDL the proxy would pin. */
  readonly database: Database;
  /** The stage's service: the tunnel is an ECS Exec port-forwarding session on one of its running tasks. */
  readonly service: Service;
  /** The literal name of the service's cluster (`naming.ts`): the task ARNs are built from it. */
  readonly clusterName: string;
  /** The stage's app stack: `db:connect` reads its outputs. */
  readonly stackName: string;
  /**
   * How long an assumed session lasts.
   * @default Duration.hours(1)
   */
  readonly maxSessionDuration?: Duration;
}

/**
 * A role per stage for people: assumed only by the configured operators, it may sign IAM database
 * tokens as the admin and read-only users (proxy and instance, exact `dbuser:` resources) and open
 * the tunnel `npx projen db:connect` uses: an SSM port-forwarding session through ECS Exec on the
 * stage's service tasks, with the remote-host port-forwarding document only (no shell, no other
 * document, no `ecs:ExecuteCommand`), after reading the stage's outputs and finding a running task.
 * Nothing else: no Secrets Manager (the master secret stays break-glass), no other cluster or stack.
 */
export class OperatorAccess extends Construct {
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: OperatorAccessProps) {
    super(scope, id);
    if (props.operators.length === 0) throw new Error('OperatorAccess needs at least one operator ARN');
    if (props.users.length === 0) throw new Error('OperatorAccess needs at least one database user to connect as');
    const stack = Stack.of(this);
    const cluster = props.service.cluster;

    this.role = new iam.Role(this, 'Role', {
      description: `Operators of ${props.stackName}: IAM database tokens as ${props.users.join(', ')} and the db:connect tunnel`,
      assumedBy: new iam.CompositePrincipal(...props.operators.map((arn) => new iam.ArnPrincipal(arn))),
      maxSessionDuration: props.maxSessionDuration ?? Duration.hours(1),
    });

    for (const user of props.users) {
      props.database.grantProxyConnect(this.role, user);
      props.database.grantInstanceConnect(this.role, user);
    }

    const region = stack.region;
    const clusterTasks = wildcardArn(this.role, {
      region,
      service: 'ecs',
      resource: `task/${props.clusterName}/*`,
      reason: "Task ids are assigned when a task starts: the tasks of this stage's cluster only (the cluster name is exact).",
    });
    // AWS-owned documents have no account in their ARN.
    const document = `arn:${stack.partition}:ssm:${region}::document/${PORT_FORWARDING_DOCUMENT}`;
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'PortForwardingToThisClustersTasks',
      actions: ['ssm:StartSession'],
      resources: [clusterTasks, document],
      // Without it a StartSession with no document name would open the default shell document.
      conditions: { BoolIfExists: { 'ssm:SessionDocumentAccessCheck': 'true' } },
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'FindARunningTask',
      actions: ['ecs:ListTasks'],
      // ListTasks is not authorized on a task ARN (Fargate tasks have no container instance): "*" with the cluster pinned.
      resources: ['*'],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    }));
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "Only ecs:ListTasks, read-only, with ecs:cluster pinned to this stage's cluster: it lists that cluster's task ids and nothing else.",
    });
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadTheTasksRuntimeId',
      actions: ['ecs:DescribeTasks'],
      resources: [clusterTasks],
      conditions: { ArnEquals: { 'ecs:cluster': cluster.clusterArn } },
    }));
    this.role.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadTheStagesOutputs',
      actions: ['cloudformation:DescribeStacks'],
      resources: [wildcardArn(this.role, {
        region,
        service: 'cloudformation',
        resource: `stack/${props.stackName}/*`,
        reason: 'The stack ARN ends in an id CloudFormation generates at creation; the name is exact. Read-only.',
      })],
    }));
  }
}
