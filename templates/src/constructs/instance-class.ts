import type * as ec2 from 'aws-cdk-lib/aws-ec2';

/** GiB of memory per vCPU of the RDS instance families this stack offers (Graviton and Intel). */
const MEMORY_PER_VCPU_GIB: Readonly<Record<string, number>> = { m: 4, r: 8, x: 16 };

/** vCPUs per instance size (the same for every m/r/x family). */
const VCPUS: Readonly<Record<string, number>> = {
  'large': 2, 'xlarge': 4, '2xlarge': 8, '4xlarge': 16, '8xlarge': 32, '12xlarge': 48, '16xlarge': 64, '24xlarge': 96, '32xlarge': 128, '48xlarge': 192,
};

/** Burstable (T) sizes: memory in GiB. */
const BURSTABLE_MEMORY_GIB: Readonly<Record<string, number>> = { 'micro': 1, 'small': 2, 'medium': 4, 'large': 8, 'xlarge': 16, '2xlarge': 32 };

/** RDS for MySQL's default `max_connections` is `{DBInstanceClassMemory/12582880}`. */
const BYTES_PER_CONNECTION = 12_582_880;

/** What the alarms need to know about an RDS instance class. */
export interface InstanceClassFacts {
  /** Memory of the class in bytes. */
  readonly memoryBytes: number;
  /** The default `max_connections` of RDS for MySQL on this class. */
  readonly maxConnections: number;
  /** T classes run on CPU credits. */
  readonly burstable: boolean;
}

/** Memory, connection limit and whether it bursts, for an instance type such as `m7g.large` or `t4g.medium`. */
export function instanceClassFacts(instanceType: ec2.InstanceType): InstanceClassFacts {
  const name = instanceType.toString();
  const match = /^([a-z])\d+[a-z]*\.([0-9a-z]+)$/.exec(name);
  const [family, size] = match ? [match[1]!, match[2]!] : ['', ''];
  const burstable = family === 't';
  const gib = burstable ? BURSTABLE_MEMORY_GIB[size] : (MEMORY_PER_VCPU_GIB[family] ?? 0) * (VCPUS[size] ?? 0);
  if (!gib) {
    throw new Error(`Unknown memory size of instance type '${name}': add its family or size to src/constructs/instance-class.ts`);
  }
  const memoryBytes = gib * 1024 ** 3;
  return { memoryBytes, maxConnections: Math.floor(memoryBytes / BYTES_PER_CONNECTION), burstable };
}
