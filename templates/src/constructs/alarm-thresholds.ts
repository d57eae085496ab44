import type { StageProfile } from '../stack-config.js';

/** Every alarm threshold of a stage. Percentages are 0-100. */
export interface AlarmThresholds {
  /** Consecutive 5-minute periods a condition must hold before an alarm fires (most alarms). */
  readonly evaluationPeriods: number;
  /** RDS instance: average CPU above this. */
  readonly databaseCpuPercent: number;
  /** RDS instance: freeable memory below this share of the instance class's memory. */
  readonly databaseFreeableMemoryPercent: number;
  /**
   * RDS instance: free storage below this share of the initial allocation. Storage autoscaling adds
   * space when less than 10% is free, so free space stays above this unless autoscaling cannot keep
   * up or has reached its ceiling (RDS also sends a low-storage event as the ceiling nears).
   */
  readonly databaseFreeStoragePercent: number;
  /** RDS instance: connections above this share of the class's default `max_connections`. */
  readonly databaseConnectionsPercent: number;
  /** RDS instance of a burstable (T) class: CPU credit balance below this. */
  readonly databaseCpuCreditBalance: number;
  /** RDS Proxy: availability of the read/write target below this. */
  readonly proxyAvailabilityPercent: number;
  /** RDS Proxy: client connections above this share of what the service's tasks can open. */
  readonly proxyClientConnectionsPercent: number;
  /** RDS Proxy: database connections above this share of `MaxDatabaseConnectionsAllowed`. */
  readonly proxyDatabaseConnectionsPercent: number;
  /** RDS Proxy: session-pinned connections above this share of its database connections. */
  readonly proxyPinnedPercent: number;
  /** RDS Proxy: average database response time of queries above this, in milliseconds. */
  readonly proxyQueryLatencyMs: number;
  /** Failed IAM database authentications (exported `iam-db-auth-error` log) per 5 minutes above this. */
  readonly iamAuthFailures: number;
  /** Load balancer: 5xx answered by the balancer itself per 5 minutes above this. */
  readonly loadBalancer5xx: number;
  /** Load balancer: 5xx answered by the service's tasks per 5 minutes above this. */
  readonly target5xx: number;
  /** Load balancer: unhealthy targets above this. */
  readonly unhealthyHosts: number;
  /** Load balancer: p99 target response time above this, in milliseconds. */
  readonly targetP99LatencyMs: number;
  /** ECS service: average CPU above this. */
  readonly serviceCpuPercent: number;
  /** ECS service: average memory above this. */
  readonly serviceMemoryPercent: number;
  /** ECS service: running tasks below desired for this many consecutive 5-minute periods. */
  readonly missingTaskPeriods: number;
  /** User-bootstrap Lambda: errors per 5 minutes above this. */
  readonly bootstrapErrors: number;
}

/** The thresholds of each stage profile. */
export const ALARM_THRESHOLDS: Readonly<Record<StageProfile, AlarmThresholds>> = {
  production: {
    evaluationPeriods: 3,
    databaseCpuPercent: 80,
    databaseFreeableMemoryPercent: 10,
    databaseFreeStoragePercent: 5,
    databaseConnectionsPercent: 80,
    databaseCpuCreditBalance: 50,
    proxyAvailabilityPercent: 99,
    proxyClientConnectionsPercent: 80,
    proxyDatabaseConnectionsPercent: 80,
    proxyPinnedPercent: 20,
    proxyQueryLatencyMs: 100,
    iamAuthFailures: 5,
    loadBalancer5xx: 10,
    target5xx: 10,
    unhealthyHosts: 0,
    targetP99LatencyMs: 1_000,
    serviceCpuPercent: 80,
    serviceMemoryPercent: 80,
    missingTaskPeriods: 3,
    bootstrapErrors: 0,
  },
  development: {
    evaluationPeriods: 6,
    databaseCpuPercent: 90,
    databaseFreeableMemoryPercent: 5,
    databaseFreeStoragePercent: 2,
    databaseConnectionsPercent: 90,
    databaseCpuCreditBalance: 10,
    proxyAvailabilityPercent: 90,
    proxyClientConnectionsPercent: 90,
    proxyDatabaseConnectionsPercent: 90,
    proxyPinnedPercent: 50,
    proxyQueryLatencyMs: 500,
    iamAuthFailures: 20,
    loadBalancer5xx: 50,
    target5xx: 50,
    unhealthyHosts: 1,
    targetP99LatencyMs: 3_000,
    serviceCpuPercent: 90,
    serviceMemoryPercent: 90,
    missingTaskPeriods: 6,
    bootstrapErrors: 0,
  },
};
