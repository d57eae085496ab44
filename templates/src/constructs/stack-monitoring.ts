import { Duration, Stack } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import {
  type CustomMetricGroup,
  DefaultDashboardFactory,
  MonitoringFacade,
  SnsAlarmActionStrategy,
} from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { ALARM_THRESHOLDS, type StageProfile } from './alarm-thresholds.js';
import type { Database } from './database.js';
import { instanceClassFacts } from './instance-class.js';
import { RdsProxyMonitoring } from './rds-proxy-monitoring.js';
import type { DeploymentAlarm, Service } from './service.js';

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
      addFreeStorageSpaceAlarm: { Low: { minCount: Math.floor((database.allocatedStorageGiB * 1024 ** 3 * limits.databaseFreeStoragePercent) / 100) } },
    });
    const instanceMetrics: CustomMetricGroup['metrics'] = [
      {
        metric: instance.metricFreeableMemory({ statistic: 'Minimum', period: Duration.minutes(5) }),
        alarmFriendlyName: 'Freeable-Memory-Low',
        addAlarm: {
          '': {
            threshold: Math.floor((instanceClass.memoryBytes * limits.databaseFreeableMemoryPercent) / 100),
            comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
            additionalDescription: `Freeable memory of the database below ${limits.databaseFreeableMemoryPercent}% of the instance class's memory.`,
          },
        },
      },
      {
        metric: instance.metricDatabaseConnections({ statistic: 'Maximum', period: Duration.minutes(5) }),
        alarmFriendlyName: 'Connections-High',
        addAlarm: {
          '': {
            threshold: Math.floor((instanceClass.maxConnections * limits.databaseConnectionsPercent) / 100),
            comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
            additionalDescription: `Database connections above ${limits.databaseConnectionsPercent}% of max_connections (${instanceClass.maxConnections} on ${database.instanceType}).`,
          },
        },
      },
    ];
    if (instanceClass.burstable) {
      instanceMetrics.push({
        metric: instance.metric('CPUCreditBalance', { statistic: 'Minimum', period: Duration.minutes(5) }),
        alarmFriendlyName: 'Cpu-Credits-Low',
        addAlarm: {
          '': {
            threshold: limits.databaseCpuCreditBalance,
            comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
            additionalDescription: `CPU credit balance of the burstable database below ${limits.databaseCpuCreditBalance}.`,
          },
        },
      });
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
    this.iamAuthFailures = authFilter.metric({ statistic: 'Sum', period: Duration.minutes(5) });
    instanceMetrics.push({
      metric: this.iamAuthFailures,
      alarmFriendlyName: 'Iam-Auth-Failures-High',
      addAlarm: {
        '': {
          threshold: limits.iamAuthFailures,
          comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
          treatMissingDataOverride: TreatMissingData.NOT_BREACHING,
          additionalDescription: `More than ${limits.iamAuthFailures} failed IAM database authentications in 5 minutes.`,
        },
      },
    });
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
        maxClientConnections: Math.floor((props.clientConnectionCeiling * limits.proxyClientConnectionsPercent) / 100),
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
        period: Duration.minutes(5),
      });
    const missingTasks = new MathExpression({
      expression: 'desired - running',
      usingMetrics: { desired: taskCount('DesiredTaskCount'), running: taskCount('RunningTaskCount') },
      label: 'Tasks missing (desired - running)',
      period: Duration.minutes(5),
    });
    const loadBalancer5xx = service.loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { statistic: 'Sum', period: Duration.minutes(5) });
    const target5xx = service.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', period: Duration.minutes(5) });
    const p99 = service.targetGroup.metrics.targetResponseTime({ statistic: 'p99', period: Duration.minutes(5) });
    const noRequestsNoErrors = TreatMissingData.NOT_BREACHING;
    this.facade.monitorCustom({
      alarmFriendlyName: 'Service',
      humanReadableName: 'Service: tasks, 5xx and latency at the load balancer',
      metricGroups: [
        {
          title: 'Tasks',
          metrics: [
            {
              metric: missingTasks,
              alarmFriendlyName: 'Tasks-Below-Desired',
              addAlarm: {
                '': {
                  threshold: 0,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  evaluationPeriods: limits.missingTaskPeriods,
                  datapointsToAlarm: limits.missingTaskPeriods,
                  additionalDescription: `Fewer tasks running than desired for ${limits.missingTaskPeriods * 5} minutes.`,
                },
              },
            },
          ],
        },
        {
          title: '5xx',
          metrics: [
            {
              metric: loadBalancer5xx,
              alarmFriendlyName: 'LoadBalancer-5xx-High',
              addAlarm: {
                '': {
                  threshold: limits.loadBalancer5xx,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: noRequestsNoErrors,
                  customTags: [ROLLBACK_TAG],
                  additionalDescription: `More than ${limits.loadBalancer5xx} 5xx answered by the load balancer itself in 5 minutes.`,
                },
              },
            },
            {
              metric: target5xx,
              alarmFriendlyName: 'Target-5xx-High',
              addAlarm: {
                '': {
                  threshold: limits.target5xx,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: noRequestsNoErrors,
                  customTags: [ROLLBACK_TAG],
                  additionalDescription: `More than ${limits.target5xx} 5xx answered by the service's tasks in 5 minutes.`,
                },
              },
            },
          ],
        },
        {
          title: 'Latency (p99)',
          metrics: [
            {
              metric: p99,
              alarmFriendlyName: 'Target-Latency-P99-High',
              addAlarm: {
                '': {
                  threshold: limits.targetP99LatencyMs / 1000,
                  comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
                  treatMissingDataOverride: noRequestsNoErrors,
                  additionalDescription: `p99 response time of the service's tasks above ${limits.targetP99LatencyMs} ms.`,
                },
              },
            },
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
