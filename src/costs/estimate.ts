import { PRICE_TABLE, VCPUS_BY_SIZE } from './prices.js';
import type { ResolvedStage } from '../answers/index.js';

/** What the service's tasks and storage are sized at (templates/src/constructs/service.ts, database.ts). */
const TASK_VCPU = 0.5;
const TASK_GB = 1;
const ALLOCATED_STORAGE_GB = 50;
/** Interface endpoints in the VPC (Secrets Manager for the user bootstrap). */
const INTERFACE_ENDPOINTS = 1;

/** The items of an estimate, in the order a README lists them. */
export const COST_ITEMS = {
  instance: 'database instance',
  storage: 'database storage',
  proxy: 'RDS Proxy',
  nat: 'NAT gateways',
  loadBalancer: 'load balancer',
  tasks: 'Fargate tasks (minimum)',
  endpoints: 'interface endpoints',
} as const;

export interface CostLine {
  readonly key: keyof typeof COST_ITEMS;
  /** What is counted, e.g. `3 NAT gateways`. */
  readonly item: string;
  /** `undefined` when the price table has no price for it (an instance class it does not list). */
  readonly monthly: number | undefined;
}

export interface StageCost {
  readonly lines: readonly CostLine[];
  /** Sum of the priced lines. */
  readonly total: number;
}

/**
 * A stage's estimated monthly bill from the price table: database instance (doubled for Multi-AZ)
 * and its storage, RDS Proxy, NAT gateways, the load balancer, the minimum Fargate tasks and the
 * interface endpoints, at `PRICE_TABLE.hoursPerMonth` hours.
 */
export function estimateMonthlyCost(stage: ResolvedStage, { internetEgress }: { readonly internetEgress: boolean }): StageCost {
  const { settings } = stage;
  const hours = PRICE_TABLE.hoursPerMonth;
  const zones = stage.availabilityZones.length;
  const copies = settings.multiAz ? 2 : 1;
  const instanceHour = PRICE_TABLE.rdsInstanceHour[settings.instanceClass];
  const vcpus = Math.max(VCPUS_BY_SIZE[settings.instanceClass.split('.')[2] ?? ''] ?? 2, PRICE_TABLE.rdsProxyMinimumVcpus);
  // NAT gateways exist only for internet egress (AWS APIs go through the interface endpoints).
  const nats = !internetEgress ? 0 : settings.natGateways === 'single' ? 1 : zones;
  const lines: CostLine[] = [
    {
      key: 'instance',
      item: `${settings.instanceClass}${settings.multiAz ? ' Multi-AZ' : ''}`,
      monthly: instanceHour === undefined ? undefined : instanceHour * copies * hours,
    },
    { key: 'storage', item: `${ALLOCATED_STORAGE_GB} GB gp3${settings.multiAz ? ' ×2' : ''}`, monthly: PRICE_TABLE.rdsGp3GbMonth * ALLOCATED_STORAGE_GB * copies },
    { key: 'proxy', item: `${vcpus} vCPUs`, monthly: PRICE_TABLE.rdsProxyVcpuHour * vcpus * hours },
    { key: 'nat', item: nats === 0 ? 'no NAT gateway' : `${nats} NAT gateway${nats > 1 ? 's' : ''}`, monthly: PRICE_TABLE.natGatewayHour * nats * hours },
    { key: 'loadBalancer', item: 'one ALB, light traffic', monthly: (PRICE_TABLE.loadBalancerHour + PRICE_TABLE.loadBalancerLcuHour) * hours },
    {
      key: 'tasks',
      item: `${settings.minTasks} × ARM ${TASK_VCPU} vCPU ${TASK_GB} GB`,
      monthly: (PRICE_TABLE.fargateArmVcpuHour * TASK_VCPU + PRICE_TABLE.fargateArmGbHour * TASK_GB) * settings.minTasks * hours,
    },
    { key: 'endpoints', item: `${INTERFACE_ENDPOINTS} × ${zones} AZs`, monthly: PRICE_TABLE.interfaceEndpointAzHour * INTERFACE_ENDPOINTS * zones * hours },
  ];
  return { lines, total: lines.reduce((sum, line) => sum + (line.monthly ?? 0), 0) };
}

/** `$1,234` (whole dollars: the inputs are estimates). */
export function formatDollars(amount: number): string {
  return `$${Math.round(amount).toLocaleString('en-US')}`;
}
