import * as rds from 'aws-cdk-lib/aws-rds';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * RDS event categories of a DB instance that need a person: outages, failovers, storage running
 * out (including the storage autoscaling ceiling coming near), maintenance and configuration changes.
 */
export const DATABASE_EVENT_CATEGORIES = ['availability', 'failover', 'failure', 'low storage', 'maintenance', 'configuration change'] as const;

export interface DatabaseEventsProps {
  /** The instance whose events are sent. */
  readonly instance: rds.IDatabaseInstance;
  /** Receives the events (its policy must admit `events.rds.amazonaws.com`). */
  readonly topic: sns.ITopic;
}

/** An RDS event subscription: the instance's events of `DATABASE_EVENT_CATEGORIES` go to the topic. */
export class DatabaseEvents extends Construct {
  public readonly subscription: rds.CfnEventSubscription;

  constructor(scope: Construct, id: string, props: DatabaseEventsProps) {
    super(scope, id);
    this.subscription = new rds.CfnEventSubscription(this, 'Subscription', {
      snsTopicArn: props.topic.topicArn,
      sourceType: 'db-instance',
      sourceIds: [props.instance.instanceIdentifier],
      eventCategories: [...DATABASE_EVENT_CATEGORIES],
      enabled: true,
    });
  }
}
