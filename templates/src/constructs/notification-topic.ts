import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export interface NotificationTopicProps {
  /**
   * An address subscribed to the topic (AWS sends a confirmation mail first). Chat (AWS Chatbot)
   * and pagers subscribe to the topic the same way: see the README's runbook.
   * @default no subscription
   */
  readonly email?: string;
}

/** The AWS services that may publish to the topic, each only for resources of this account and region. */
const PUBLISHERS = [
  { sid: 'CloudWatchAlarmsOfThisAccount', service: 'cloudwatch.amazonaws.com', sourceArn: (stack: Stack) => stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
  { sid: 'RdsEventsOfThisAccount', service: 'events.rds.amazonaws.com', sourceArn: (stack: Stack) => stack.formatArn({ service: 'rds', resource: '*', arnFormat: ArnFormat.NO_RESOURCE_NAME }) },
] as const;

/**
 * The stage's notification topic: encrypted with its own KMS key, TLS-only, and open for publishing
 * only to this account's CloudWatch alarms and RDS events. Alarms and the RDS event subscription
 * send here; people and tools subscribe.
 */
export class NotificationTopic extends Construct {
  public readonly topic: sns.Topic;
  /** Encrypts the topic; the publishing services may use it to encrypt messages. */
  public readonly key: kms.Key;
  /** The topic policy; a publisher set up in the same deployment (an RDS event subscription) must wait for it. */
  public readonly policy: sns.TopicPolicy;

  constructor(scope: Construct, id: string, props: NotificationTopicProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);

    this.key = new kms.Key(this, 'Key', {
      description: `${stack.stackName}: notification topic (alarms, RDS events)`,
      enableKeyRotation: true,
      pendingWindow: Duration.days(30),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: `${stack.stackName} alarms and database events`,
      masterKey: this.key,
      enforceSSL: true,
    });

    for (const publisher of PUBLISHERS) {
      const principal = new iam.ServicePrincipal(publisher.service);
      // Confused-deputy guard: only this account's alarms and RDS resources, not any in the region.
      const conditions = {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': publisher.sourceArn(stack) },
      };
      this.topic.addToResourcePolicy(
        new iam.PolicyStatement({ sid: publisher.sid, principals: [principal], actions: ['sns:Publish'], resources: [this.topic.topicArn], conditions }),
      );
      // Publishing to an encrypted topic needs a data key from the topic's key.
      this.key.addToResourcePolicy(
        new iam.PolicyStatement({ sid: publisher.sid, principals: [principal], actions: ['kms:Decrypt', 'kms:GenerateDataKey*'], resources: ['*'] }),
      );
    }

    // addToResourcePolicy created it (the topic keeps its reference private).
    const policy = this.topic.node.tryFindChild('Policy');
    if (!(policy instanceof sns.TopicPolicy)) throw new Error('The topic policy was not created');
    this.policy = policy;

    if (props.email) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));
    }
  }
}
