import { Duration } from 'aws-cdk-lib';
import { ComparisonOperator, GraphWidget, type IWidget, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  type BaseMonitoringProps,
  CountAxisFromZero,
  CustomAlarmFactory,
  type CustomAlarmThreshold,
  DefaultGraphWidgetHeight,
  Monitoring,
  MonitoringHeaderWidget,
  type MonitoringScope,
  PercentageAxisFromZeroToHundred,
  QuarterWidth,
} from 'cdk-monitoring-constructs';

/**
 * RDS Proxy publishes to `AWS/RDS` once a minute per proxy node (AWS, "Monitoring RDS Proxy metrics
 * with Amazon CloudWatch"): connection counts are summed over the nodes in a 1-minute period.
 */
const PROXY_METRIC_PERIOD = Duration.minutes(1);

/** The default target group of a proxy and the role of its one writer instance (AvailabilityPercentage's dimensions). */
const TARGET_GROUP = 'default';
const WRITER_ROLE = 'READ_WRITE';

export interface RdsProxyThresholds {
  /** Availability of the read/write target below this percentage. */
  readonly minAvailabilityPercent: number;
  /** Client connections above this count. */
  readonly maxClientConnections: number;
  /** Database connections above this percentage of `MaxDatabaseConnectionsAllowed`. */
  readonly maxDatabaseConnectionsPercent: number;
  /** Session-pinned connections above this percentage of the database connections. */
  readonly maxPinnedPercent: number;
  /** Average database response time above this, in milliseconds. */
  readonly maxQueryLatencyMs: number;
}

export interface RdsProxyMonitoringProps extends BaseMonitoringProps {
  /** The proxy's name (`DBProxyName`), the `ProxyName` dimension of its metrics. */
  readonly proxyName: string;
  readonly thresholds: RdsProxyThresholds;
  /** 1-minute periods each condition must hold. */
  readonly evaluationPeriods: number;
  /** Passed to every alarm (e.g. an action override). */
  readonly alarmDefaults?: CustomAlarmThreshold;
}

/**
 * cdk-monitoring-constructs has no RDS Proxy monitor: this one follows its `Monitoring` contract
 * (alarms through the scope's alarm factory, named and actioned like the library's; widgets on the
 * same dashboards).
 */
export class RdsProxyMonitoring extends Monitoring {
  readonly availability: Metric;
  readonly clientConnections: Metric;
  readonly databaseConnections: Metric;
  readonly databaseConnectionsPercent: MathExpression;
  readonly pinnedPercent: MathExpression;
  readonly queryLatency: Metric;
  private readonly title: string;

  constructor(scope: MonitoringScope, props: RdsProxyMonitoringProps) {
    super(scope, props);
    this.title = props.humanReadableName ?? `RDS Proxy ${props.proxyName}`;
    const metric = (metricName: string, statistic: string, label: string, dimensions: Record<string, string> = {}) =>
      new Metric({ namespace: 'AWS/RDS', metricName, statistic, label, period: PROXY_METRIC_PERIOD, dimensionsMap: { ProxyName: props.proxyName, ...dimensions } });

    this.availability = metric('AvailabilityPercentage', 'Average', 'Availability (read/write) %', { TargetGroup: TARGET_GROUP, TargetRole: WRITER_ROLE });
    this.clientConnections = metric('ClientConnections', 'Sum', 'Client connections');
    this.databaseConnections = metric('DatabaseConnections', 'Sum', 'Database connections');
    const allowed = metric('MaxDatabaseConnectionsAllowed', 'Sum', 'Database connections allowed');
    const pinned = metric('DatabaseConnectionsCurrentlySessionPinned', 'Sum', 'Session-pinned connections');
    this.queryLatency = metric('QueryDatabaseResponseLatency', 'Average', 'Database response time (µs)');
    this.databaseConnectionsPercent = new MathExpression({
      expression: 'IF(allowed > 0, 100 * connections / allowed, 0)',
      usingMetrics: { connections: this.databaseConnections, allowed },
      label: 'Database connections, % of allowed',
      period: PROXY_METRIC_PERIOD,
    });
    this.pinnedPercent = new MathExpression({
      expression: 'IF(connections > 0, 100 * pinned / connections, 0)',
      usingMetrics: { connections: this.databaseConnections, pinned },
      label: 'Session-pinned, % of database connections',
      period: PROXY_METRIC_PERIOD,
    });

    const alarms = new CustomAlarmFactory(this.createAlarmFactory(props.alarmFriendlyName ?? 'RdsProxy'));
    const { thresholds } = props;
    const common = {
      ...props.alarmDefaults,
      evaluationPeriods: props.evaluationPeriods,
      datapointsToAlarm: props.evaluationPeriods,
    };
    const add = (
      value: Metric | MathExpression,
      name: string,
      threshold: number,
      comparisonOperator: ComparisonOperator,
      description: string,
    ) => this.addAlarm(alarms.addCustomAlarm(value, name, '', { ...common, threshold, comparisonOperator, additionalDescription: description }));

    // Some proxy metrics appear only after the first client connection: missing data is no verdict.
    add(this.availability, 'Availability-Low', thresholds.minAvailabilityPercent, ComparisonOperator.LESS_THAN_THRESHOLD,
      `RDS Proxy ${props.proxyName}: the read/write target was available less than ${thresholds.minAvailabilityPercent}% of the time.`);
    add(this.clientConnections, 'Client-Connections-High', thresholds.maxClientConnections, ComparisonOperator.GREATER_THAN_THRESHOLD,
      `RDS Proxy ${props.proxyName}: more than ${thresholds.maxClientConnections} client connections.`);
    add(this.databaseConnectionsPercent, 'Database-Connections-High', thresholds.maxDatabaseConnectionsPercent, ComparisonOperator.GREATER_THAN_THRESHOLD,
      `RDS Proxy ${props.proxyName}: database connections above ${thresholds.maxDatabaseConnectionsPercent}% of the connections the proxy may open.`);
    add(this.pinnedPercent, 'Pinned-Connections-High', thresholds.maxPinnedPercent, ComparisonOperator.GREATER_THAN_THRESHOLD,
      `RDS Proxy ${props.proxyName}: more than ${thresholds.maxPinnedPercent}% of database connections are pinned to one client session.`);
    add(this.queryLatency, 'Query-Latency-High', thresholds.maxQueryLatencyMs * 1000, ComparisonOperator.GREATER_THAN_THRESHOLD,
      `RDS Proxy ${props.proxyName}: the database took more than ${thresholds.maxQueryLatencyMs} ms on average to answer queries.`);
    props.useCreatedAlarms?.consume(this.createdAlarms());
  }

  summaryWidgets(): IWidget[] {
    return this.widgets();
  }

  widgets(): IWidget[] {
    const graph = (title: string, left: (Metric | MathExpression)[], percentage = false) =>
      new GraphWidget({
        title,
        left,
        width: QuarterWidth,
        height: DefaultGraphWidgetHeight,
        leftYAxis: percentage ? PercentageAxisFromZeroToHundred : CountAxisFromZero,
      });
    return [
      new MonitoringHeaderWidget({ family: 'RDS Proxy', title: this.title }),
      graph('Availability', [this.availability], true),
      graph('Connections', [this.clientConnections, this.databaseConnections]),
      graph('Connection limits and pinning', [this.databaseConnectionsPercent, this.pinnedPercent], true),
      new GraphWidget({ title: 'Database response time', left: [this.queryLatency], width: QuarterWidth, height: DefaultGraphWidgetHeight }),
    ];
  }
}
