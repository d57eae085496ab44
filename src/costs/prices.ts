/**
 * The prices that dominate a stage's monthly bill, in US dollars: AWS's on-demand list prices in
 * one region, as this package last recorded them. Update `asOf` with every figure you change
 * (sources: aws.amazon.com/rds/mysql/pricing, /rds/proxy/pricing, /vpc/pricing,
 * /elasticloadbalancing/pricing, /fargate/pricing). Other regions cost about the same to a third
 * more; data transfer, NAT and load-balancer traffic, logs and backups beyond the free allowance
 * come on top.
 */
export const PRICE_TABLE = {
  asOf: '2026-11',
  region: 'us-east-1',
  hoursPerMonth: 730,
  /** RDS for MySQL, Single-AZ, per instance-hour; Multi-AZ (one standby) costs twice as much. */
  rdsInstanceHour: {
    'db.t3.medium': 0.068,
    'db.t3.large': 0.136,
    'db.t4g.medium': 0.065,
    'db.t4g.large': 0.129,
    'db.m5.large': 0.171,
    'db.m6g.large': 0.152,
    'db.m6i.large': 0.171,
    'db.m7g.large': 0.168,
    'db.m7i.large': 0.18,
    'db.m8g.large': 0.176,
    'db.r6g.large': 0.215,
    'db.r7g.large': 0.239,
    'db.r8g.large': 0.25,
  } as Readonly<Record<string, number>>,
  /** gp3 storage per GB-month, Single-AZ (Multi-AZ: twice). */
  rdsGp3GbMonth: 0.115,
  /** RDS Proxy per vCPU-hour of the instance, at least two vCPUs. */
  rdsProxyVcpuHour: 0.015,
  rdsProxyMinimumVcpus: 2,
  /** NAT gateway per hour (data processing, $0.045/GB, on top). */
  natGatewayHour: 0.045,
  /** Application Load Balancer per hour, with one LCU-hour of light traffic. */
  loadBalancerHour: 0.0225,
  loadBalancerLcuHour: 0.008,
  /** Fargate, Linux/ARM64, per vCPU-hour and per GB-hour. */
  fargateArmVcpuHour: 0.03238,
  fargateArmGbHour: 0.00356,
  /** Interface VPC endpoint per AZ-hour. */
  interfaceEndpointAzHour: 0.01,
} as const;

/** vCPUs of a DB instance size (RDS Proxy bills per vCPU of its target). */
export const VCPUS_BY_SIZE: Readonly<Record<string, number>> = {
  'medium': 2,
  'large': 2,
  'xlarge': 4,
  '2xlarge': 8,
  '4xlarge': 16,
  '8xlarge': 32,
  '12xlarge': 48,
  '16xlarge': 64,
  '24xlarge': 96,
  '32xlarge': 128,
  '48xlarge': 192,
};
