/**
 * The DB instance classes a stage may run: those RDS for MySQL 8.4 offers (current-generation
 * families; AWS's "Supported DB engines for DB instance classes" table), that RDS Proxy can front,
 * and on which the Database construct's Performance Insights is available.
 *
 * - RDS Proxy: its limitations page for RDS for MySQL (checked in AWS's RDS User Guide, "Quotas and
 *   limitations for RDS Proxy") restricts authentication plugins, compressed mode and `read_only`,
 *   not instance classes; it bills per vCPU with a two-vCPU minimum. Aurora's `db.serverless` is
 *   not an RDS for MySQL class, and the previous-generation `db.t2`, `db.m4` and `db.r4` classes do
 *   not run MySQL 8.4, so neither can sit behind this product's proxy.
 * - Performance Insights is not offered on the `micro` and `small` sizes of the burstable classes,
 *   so the smallest burstable size here is `medium`.
 */
const BURSTABLE = ['medium', 'large', 'xlarge', '2xlarge'] as const;
const GRAVITON = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge'] as const;
const INTEL_M5_R5 = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge'] as const;
const INTEL_6I = [...INTEL_M5_R5, '32xlarge'] as const;
const LARGEST_7 = [...INTEL_M5_R5, '48xlarge'] as const;

export const INSTANCE_CLASS_SIZES: Readonly<Record<string, readonly string[]>> = {
  t3: BURSTABLE,
  t4g: BURSTABLE,
  m5: INTEL_M5_R5,
  m6g: GRAVITON,
  m6i: INTEL_6I,
  m7g: GRAVITON,
  m7i: LARGEST_7,
  m8g: LARGEST_7,
  r5: INTEL_M5_R5,
  r6g: GRAVITON,
  r6i: INTEL_6I,
  r7g: GRAVITON,
  r7i: LARGEST_7,
  r8g: LARGEST_7,
};

/** Why a class is refused, or `undefined` when the stage may use it. */
export function instanceClassProblem(value: string): string | undefined {
  if (value === 'db.serverless') return 'is an Aurora class; RDS for MySQL 8.4 behind RDS Proxy needs a provisioned class';
  const match = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(value);
  const families = Object.keys(INSTANCE_CLASS_SIZES).map((family) => `db.${family}`).join(', ');
  if (!match) return `must be a DB instance class such as db.t4g.medium or db.m7g.large (families: ${families})`;
  const [, family, size] = match as unknown as [string, string, string];
  const sizes = INSTANCE_CLASS_SIZES[family];
  if (!sizes) {
    return `must be a class that RDS for MySQL 8.4 offers behind RDS Proxy (families: ${families}; db.t2, db.m4 and db.r4 are previous generation)`;
  }
  if (!sizes.includes(size)) {
    const why = family.startsWith('t') && (size === 'micro' || size === 'small') ? ' (Performance Insights needs medium or larger)' : '';
    return `must be one of the db.${family} sizes ${sizes.join(', ')}${why}`;
  }
  return undefined;
}
