import { Duration, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import {
  type CustomMetricGroup,
  type CustomMetricWithAlarm,
  type CustomThreshold,
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { ALARM_THRESHOLDS } from './alarm-thresholds.js';
import type { Database } from './database.js';
import { instanceClassFacts } from './instance-class.js';
import { RdsProxyMonitoring } from './rds-proxy-monitoring.js';
import type { DeploymentAlarm, Service } from './service.js';
import type { StageProfile } from '../stack-config.js';

/** A metric with one alarm, for the library's custom monitoring. */
function alarmed(
  metric: CustomMetricWithAlarm['metric'],
  alarmFriendlyName: string,
  threshold: number,
  comparisonOperator: ComparisonOperator,
  additionalDescription: string,
  options: Partial<CustomThreshold> = {},
): CustomMetricWithAlarm {
  return { metric, alarmFriendlyName, addAlarm: { '': { threshold, comparisonOperator, additionalDescription, ...options } } };
}

/** `percent`% of `value`, rounded down (alarm thresholds are whole numbers). */
function percentOf(value: number, percent: number): number {
  return Math.floor((value * percent) / 100);
}

/** The period of every alarm except RDS Proxy's (1 minute). */
const FIVE_MINUTES = Duration.minutes(5);

/** Alarms tagged with this roll an ECS deployment back while they fire. */
const ROLLBACK_TAG = 'deployment-rollback';

export interface StackMonitoringProps {
  /** Which thresholds apply (`alarm-thresholds.ts`). */
  readonly profile: StageProfile;
  /** Every alarm notifies here, when it fires and when it recovers. */
  readonly topic: sns.ITopic;
  readonly database: Database;
  readonly service: Service;
  /** The user-bootstrap Lambda (DatabaseUsers): a failed reconcile must page. */
  readonly bootstrapFunction: lambda.IFunction;
  /** The most client connections the service can open: its task ceiling times its pool size. */
  readonly clientConnectionCeiling: number;
  /** Name of the dashboard and prefix of every alarm name; unique per account and region (the stack name). */
  readonly name: string;
}

/**
 * The stage's alarms and dashboard, built on cdk-monitoring-constructs: RDS instance, RDS Proxy
 * (our own monitor), IAM authentication failures, load balancer, ECS service and the user-bootstrap
 * Lambda. Every alarm notifies the topic; the load balancer's 5xx and unhealthy-host alarms also
 * roll back an ECS deployment that raises them.
 */
export class StackMonitoring extends Construct {
  public readonly facade: MonitoringFacade;
  /** Alarms that roll a deployment back (`Service.rollBackOnAlarms`). */
  public readonly rollbackAlarms: DeploymentAlarm[];
  /** Counts each line of the exported `iam-db-auth-error` log. */
  public readonly iamAuthFailures: Metric;
  /** `https://<region>.console.aws.amazon.com/cloudwatch/...` of the dashboard. */
  public readonly dashboardUrl: string;

  constructor(scope: Construct, id: string, props: StackMonitoringProps) {
    super(scope, id);
    const limits = ALARM_THRESHOLDS[props.profile];
    const { database, service } = props;
    const periods = { evaluationPeriods: limits.evaluationPeriods, datapointsToAlarm: limits.evaluationPeriods };

    const dashboards = new DefaultDashboardFactory(this, 'Dashboards', {
      dashboardNamePrefix: props.name,
      createDashboard: true,
      createSummaryDashboard: false,
      createAlarmDashboard: false,
    });
    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: props.name,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: props.topic, onOkTopic: props.topic }),
        ...periods,
      },
      dashboardFactory: dashboards,
    });

    // RDS instance. CPU and free storage come with the library's RDS monitor; memory, connections
    // (the library sums a per-minute gauge over 5 minutes) and CPU credits are ours.
    const instanceClass = instanceClassFacts(database.instanceType);
    const instance = database.instance;
    this.facade.monitorRdsInstance({
      instance,
      alarmFriendlyName: 'Database',
      addCpuUsageAlarm: { High: { maxUsagePercent: limits.databaseCpuPercent } },
      addFreeStorageSpaceAlarm: { Low: { minCount: percentOf(database.allocatedStorageGiB * 1024 ** 3, limits.databaseFreeStoragePercent) } },
    });
    const instanceMetrics: CustomMetricGroup['metrics'] = [
      alarmed(
        instance.metricFreeableMemory({ statistic: 'Minimum', period: FIVE_MINUTES }),
        'Freeable-Memory-Low',
        percentOf(instanceClass.memoryBytes, limits.databaseFreeableMemoryPercent),
        ComparisonOperator.LESS_THAN_THRESHOLD,
        `Freeable memory of the database below ${limits.databaseFreeableMemoryPercent}% of the instance class's memory.`,
      ),
      alarmed(
        instance.metricDatabaseConnections({ statistic: 'Maximum', period: FIVE_MINUTES }),
        'Connections-High',
        percentOf(instanceClass.maxConnections, limits.databaseConnectionsPercent),
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        `Database connections above ${limits.databaseConnectionsPercent}% of max_connections (${instanceClass.maxConnections} on ${database.instanceType}).`,
      ),
    ];
    if (instanceClass.burstable) {
      instanceMetrics.push(
        alarmed(
          instance.metric('CPUCreditBalance', { statistic: 'Minimum', period: FIVE_MINUTES }),
          'Cpu-Credits-Low',
          limits.databaseCpuCreditBalance,
          ComparisonOperator.LESS_THAN_THRESHOLD,
          `CPU credit balance of the burstable database below ${limits.databaseCpuCreditBalance}.`,
        ),
      );
    }

    // Failed IAM database authentications: RDS exports each as a line of the iam-db-auth-error log.
    const authFilter = new logs.MetricFilter(this, 'IamAuthFailures', {
      logGroup: database.logGroups['iam-db-auth-error'],
      filterPattern: logs.FilterPattern.allEvents(),
      metricNamespace: `${props.name}/Database`,
      metricName: 'IamAuthenticationFailures',
      metricValue: '1',
      defaultValue: 0,
    });
    this.iamAuthFailures = authFilter.metric({ statistic: 'Sum', period: FIVE_MINUTES });
    instanceMetrics.push(
      alarmed(
        this.iamAuthFailures,
        'Iam-Auth-Failures-High',
        limits.iamAuthFailures,
        ComparisonOperator.GREATER_THAN_THRESHOLD,
        `More than ${limits.iamAuthFailures} failed IAM database authentications in 5 minutes.`,
        { treatMissingDataOverride: TreatMissingData.NOT_BREACHING },
      ),
    );
    this.facade.monitorCustom({
      alarmFriendlyName: 'Database',
      humanReadableName: 'Database: memory, connections, IAM authentication',
      metricGroups: [{ title: 'Database', metrics: instanceMetrics }],
    });

    // RDS Proxy: the library has no monitor for it.
    const proxyMonitoring = new RdsProxyMonitoring(this.facade, {
      proxyName: database.proxy.dbProxyName,
      alarmFriendlyName: 'Proxy',
      // Proxy metrics have 1-minute periods: the same wall-clock time as the 5-minute alarms.
      evaluationPeriods: limits.evaluationPeriods * 5,
      thresholds: {
        minAvailabilityPercent: limits.proxyAvailabilityPercent,
        maxClientConnections: percentOf(props.clientConnectionCeiling, limits.proxyClientConnectionsPercent),
        maxDatabaseConnectionsPercent: limits.proxyDatabaseConnectionsPercent,
        maxPinnedPercent: limits.proxyPinnedPercent,
        maxQueryLatencyMs: limits.proxyQueryLatencyMs,
      },
    });
    this.facade.addSegment(proxyMonitoring);

    // ECS service and its target group: CPU, memory and unhealthy hosts from the library.
    this.facade.monitorFargateApplicationLoadBalancer({
      fargateService: service.service,
      applicationLoadBalancer: service.loadBalancer,
      applicationTargetGroup: service.targetGroup,
      alarmFriendlyName: 'Service',
      addCpuUsageAlarm: { High: { maxUsagePercent: limits.serviceCpuPercent } },
      addMemoryUsageAlarm: { High: { maxUsagePercent: limits.serviceMemoryPercent } },
      addUnhealthyTaskCountAlarm: { High: { maxUnhealthyTasks: limits.unhealthyHosts, customTags: [ROLLBACK_TAG] } },
    });
    // Running below desired: Container Insights (enabled on the cluster) reports both counts.
    const taskCount = (metricName: string) =>
      new Metric({
        namespace: 'ECS/ContainerInsights',
        metricName,
        dimensionsMap: { ClusterName: service.cluster.clusterName, ServiceName: service.service.serviceName },
        statistic: 'Average',
        period: FIVE_MINUTES,
      });
    const missingTasks = new MathExpression({
      expression: 'desired - running',
      usingMetrics: { desired: taskCount('DesiredTaskCount'), running: taskCount('RunningTaskCount') },
      label: 'Tasks missing (desired - running)',
      period: FIVE_MINUTES,
    });
    const loadBalancer5xx = service.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period: FIVE_MINUTES });
    const target5xx = service.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period: FIVE_MINUTES });
    const p99 = service.targetGroup.metrics.targetResponseTime({ statistic: 'p99', period: FIVE_MINUTES });
    const noRequestsNoErrors = TreatMissingData.NOT_BREACHING;
    this.facade.monitorCustom({
      alarmFriendlyName: 'Service',
      humanReadableName: 'Service: tasks, 5xx and latency at the load balancer',
      metricGroups: [
        {
          title: 'Tasks',
          metrics: [
            alarmed(
              missingTasks,
              'Tasks-Below-Desired',
              0,
              ComparisonOperator.GREATER_THAN_THRESHOLD,
              `Fewer tasks running than desired for ${limits.missingTaskPeriods * 5} minutes.`,
              { evaluationPeriods: limits.missingTaskPeriods, datapointsToAlarm: limits.missingTaskPeriods },
            ),
          ],
        },
        {
          title: '5xx',
          metrics: [
            alarmed(
              loadBalancer5xx,
              'LoadBalancer-5xx-High',
              limits.loadBalancer5xx,
              ComparisonOperator.GREATER_THAN_THRESHOLD,
              `More than ${limits.loadBalancer5xx} 5xx answered by the load balancer itself in 5 minutes.`,
              { treatMissingDataOverride: noRequestsNoErrors, customTags: [ROLLBACK_TAG] },
            ),
            alarmed(
              target5xx,
              'Target-5xx-High',
              limits.target5xx,
              ComparisonOperator.GREATER_THAN_THRESHOLD,
              `More than ${limits.target5xx} 5xx answered by the service's tasks in 5 minutes.`,
              { treatMissingDataOverride: noRequestsNoErrors, customTags: [ROLLBACK_TAG] },
            ),
          ],
        },
        {
          title: 'Latency (p99)',
          metrics: [
            alarmed(
              p99,
              'Target-Latency-P99-High',
              limits.targetP99LatencyMs / 1000,
              ComparisonOperator.GREATER_THAN_THRESHOLD,
              `p99 response time of the service's tasks above ${limits.targetP99LatencyMs} ms.`,
              { treatMissingDataOverride: noRequestsNoErrors },
            ),
          ],
        },
      ],
    });

    this.facade.monitorLambdaFunction({
      lambdaFunction: props.bootstrapFunction,
      alarmFriendlyName: 'UserBootstrap',
      humanReadableName: 'Database user bootstrap Lambda',
      // One failed reconcile pages at once: the alarm needs one datapoint, not several.
      addFaultCountAlarm: { Errors: { maxErrorCount: limits.bootstrapErrors, evaluationPeriods: 1, datapointsToAlarm: 1 } },
    });

    this.rollbackAlarms = this.facade.createdAlarmsWithTag(ROLLBACK_TAG).map((created) => ({ name: created.alarmName, alarm: created.alarm }));
    const dashboard = dashboards.createdDashboard();
    if (!dashboard) throw new Error('The monitoring dashboard was not created');
    const region = Stack.of(this).region;
    this.dashboardUrl = `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`;
  }
}
