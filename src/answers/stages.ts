import { z } from 'zod';
import { instanceClassProblem } from './instance-classes.js';
import { availabilityZonesOf, isAwsRegion } from './regions.js';
import { natGateways, NAT_GATEWAY_MODES, optional, region, splitList, text, yesNo } from './rules.js';

/**
 * Stages: the environments one repository deploys, in promotion order (`dev` → `prod`). Each has
 * a profile whose settings (sizes and protections) it may override one by one in `.projenrc.ts`.
 */

export const STAGE_PROFILES = ['development', 'production'] as const;
export type StageProfile = (typeof STAGE_PROFILES)[number];

/**
 * Everything a profile decides about a stage. Add a setting here, in both profiles, and it reaches
 * the generated `src/stack-config.ts` (every stage's resolved `settings`) on the next `npx projen`.
 */
export interface StageSettings {
  /** DB instance class (see `instance-classes.ts`). */
  readonly instanceClass: string;
  /** Standby in a second AZ with automatic failover. */
  readonly multiAz: boolean;
  /** One NAT gateway per AZ, or a single one; made only when `internetEgress` is on. */
  readonly natGateways: (typeof NAT_GATEWAY_MODES)[number];
  /** An AWS WAF web ACL (managed rule groups, a per-client rate rule, logs kept) in front of the app (~$10/month). */
  readonly webApplicationFirewall: boolean;
  /** Fewest running service tasks once an image is deployed. */
  readonly minTasks: number;
  /** Most tasks CPU-based auto scaling may run. */
  readonly maxTasks: number;
  /** Deletion protection on the database and the load balancer (the database is snapshotted on removal either way). */
  readonly deletionProtection: boolean;
  /** Days of automated database backups (1-35). */
  readonly backupRetentionDays: number;
}

/** The one table of profile settings. */
export const STAGE_PROFILE_SETTINGS: Readonly<Record<StageProfile, StageSettings>> = {
  development: {
    instanceClass: 'db.t4g.medium',
    multiAz: false,
    natGateways: 'single',
    webApplicationFirewall: false,
    minTasks: 1,
    maxTasks: 2,
    deletionProtection: false,
    backupRetentionDays: 3,
  },
  production: {
    instanceClass: 'db.m7g.large',
    multiAz: true,
    natGateways: 'per-az',
    webApplicationFirewall: true,
    minTasks: 2,
    maxTasks: 6,
    deletionProtection: true,
    backupRetentionDays: 14,
  },
};

export const SETTING_KEYS = Object.keys(STAGE_PROFILE_SETTINGS.production) as (keyof StageSettings)[];

/** A stage as configured: where it deploys, its profile, and any setting it overrides. */
export interface StageAnswer extends Partial<StageSettings> {
  /** Lower-case letter, then lower-case letters and digits; names the GitHub environment and suffixes every AWS name. */
  readonly name: string;
  /** 12-digit AWS account id. @default the deploying credentials' account */
  readonly account?: string;
  /** @default the project's region */
  readonly region?: string;
  /** @default `production` for the last stage, `development` for the ones before it */
  readonly profile?: StageProfile;
}

/** The default chain: a development stage, then production, in the same account. */
export const DEFAULT_STAGES: readonly StageAnswer[] = [{ name: 'dev' }, { name: 'prod' }];

/** Longest stage name: it suffixes the stack, cluster, repository and CI-access stack names. */
export const MAX_STAGE_NAME_LENGTH = 12;
/** CloudFormation stack names are at most 128 characters. */
const MAX_STACK_NAME_LENGTH = 128;

const stageName = text().regex(new RegExp(`^[a-z][a-z0-9]{0,${MAX_STAGE_NAME_LENGTH - 1}}$`), {
  message: `must be 1-${MAX_STAGE_NAME_LENGTH} characters: a lower-case letter, then lower-case letters or digits`,
});
const accountId = text().regex(/^\d{12}$/, { message: 'must be a 12-digit AWS account id' });
const wholeNumber = (min: number, max: number, what: string) =>
  z.preprocess(
    (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.number({ error: 'must be a whole number' }).int('must be a whole number').min(min, { message: `must be at least ${min} ${what}` }).max(max, {
      message: `must be at most ${max} ${what}`,
    }),
  );

/** `NAME[:ACCOUNT[:REGION]]` as typed on the command line or at the prompt (`prod::eu-west-1` skips the account). */
function parseStageSpec(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const [name, account, regionName, ...rest] = value.split(':').map((part) => part.trim());
  if (rest.length > 0) return value;
  return { name, ...(account ? { account } : {}), ...(regionName ? { region: regionName } : {}) };
}

const stage = z.preprocess(
  parseStageSpec,
  z.strictObject(
    {
      name: stageName,
      account: optional(accountId),
      region: optional(region),
      profile: z.enum(STAGE_PROFILES, { error: `must be one of ${STAGE_PROFILES.join(', ')}` }).optional(),
      instanceClass: text()
        .superRefine((value, ctx) => {
          const problem = instanceClassProblem(value);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .optional(),
      multiAz: yesNo.optional(),
      natGateways: natGateways.optional(),
      webApplicationFirewall: yesNo.optional(),
      minTasks: wholeNumber(1, 100, 'tasks').optional(),
      maxTasks: wholeNumber(1, 100, 'tasks').optional(),
      deletionProtection: yesNo.optional(),
      backupRetentionDays: wholeNumber(1, 35, 'days (RDS keeps automated backups 1-35 days)').optional(),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `has unknown settings (known: name, account, region, profile, ${SETTING_KEYS.join(', ')})` : 'must be NAME[:ACCOUNT[:REGION]], e.g. prod:123456789012:eu-west-1') },
  ),
);

/** The stages in promotion order; each gets its profile by position unless it names one. */
export const stagesRule = z.preprocess(
  (value) => (typeof value === 'string' ? splitList(value) : value),
  z
    .array(stage, { error: 'must be a list of NAME[:ACCOUNT[:REGION]] entries' })
    .min(1, { message: 'must name at least one stage (NAME[:ACCOUNT[:REGION]])' })
    .superRefine((stages, ctx) => {
      const seen = new Set<string>();
      stages.forEach((entry, index) => {
        if (seen.has(entry.name)) {
          ctx.addIssue({ code: 'custom', path: [index, 'name'], input: entry.name, message: 'must be unique among the stages' });
        }
        seen.add(entry.name);
      });
    })
    .transform((stages) =>
      stages.map((entry, index) => {
        const defined = Object.fromEntries(Object.entries(entry).filter(([, value]) => value !== undefined));
        return { ...defined, profile: entry.profile ?? (index === stages.length - 1 ? 'production' : 'development') } as StageAnswer;
      }),
    ),
);

/** What the project-wide answers contribute to the stages. */
export interface StageContext {
  /** The project's npm name reduced to a stack name (`stackNameOf`). */
  readonly stackName: string;
  readonly region: string;
  readonly azCount: number;
  /** The answers that predate stages: they set the production profile. */
  readonly natGateways: StageSettings['natGateways'];
  readonly multiAz: boolean;
}

/** A stage with everything derived: region, zones, stack name and every setting. */
export interface ResolvedStage {
  readonly name: string;
  readonly account?: string;
  readonly region: string;
  readonly availabilityZones: readonly string[];
  readonly profile: StageProfile;
  /** `<stack>-<stage>`: the CloudFormation stack of the stage's app. */
  readonly stackName: string;
  readonly settings: StageSettings;
}

/** Profile settings of a project: `natGateways` and `multiAz` keep meaning what they meant before stages, for production. */
export function profileSettings(profile: StageProfile, context: Pick<StageContext, 'natGateways' | 'multiAz'>): StageSettings {
  const base = STAGE_PROFILE_SETTINGS[profile];
  return profile === 'production' ? { ...base, natGateways: context.natGateways, multiAz: context.multiAz } : base;
}

export function resolveStages(stages: readonly StageAnswer[], context: StageContext): ResolvedStage[] {
  return stages.map((entry, index) => {
    const profile = entry.profile ?? (index === stages.length - 1 ? 'production' : 'development');
    const defaults = profileSettings(profile, context);
    const settings = Object.fromEntries(SETTING_KEYS.map((key) => [key, entry[key] ?? defaults[key]])) as unknown as StageSettings;
    const stageRegion = entry.region ?? context.region;
    return {
      name: entry.name,
      ...(entry.account ? { account: entry.account } : {}),
      region: stageRegion,
      availabilityZones: isAwsRegion(stageRegion) ? availabilityZonesOf(stageRegion).slice(0, context.azCount) : [],
      profile,
      stackName: `${context.stackName}-${entry.name}`,
      settings,
    };
  });
}

/** A rule broken by a stage in the context of the other answers; `path` is below `stages`. */
export interface StageProblem {
  readonly path: (string | number)[];
  readonly input: unknown;
  readonly message: string;
}

/** Problems that need the other answers: zones per region, task range, name lengths. */
export function stageProblems(stages: readonly StageAnswer[], context: StageContext): StageProblem[] {
  const problems: StageProblem[] = [];
  const accounts = new Set(stages.map((given) => given.account));
  // The first stage of each account names that account's CI-access stack when there are several.
  const ciSuffixed = new Set(accounts.size > 1 ? [...accounts].map((account) => stages.find((given) => given.account === account)!.name) : []);
  resolveStages(stages, context).forEach((resolved, index) => {
    const zones = isAwsRegion(resolved.region) ? availabilityZonesOf(resolved.region).length : undefined;
    if (zones !== undefined && context.azCount > zones) {
      problems.push({
        path: [index, 'region'],
        input: resolved.region,
        message: `has ${zones} Availability Zones, fewer than the ${context.azCount} the project spans (--az-count)`,
      });
    }
    if (resolved.settings.minTasks > resolved.settings.maxTasks) {
      problems.push({
        path: [index, 'minTasks'],
        input: resolved.settings.minTasks,
        message: `must be at most maxTasks (${resolved.settings.maxTasks})`,
      });
    }
    // The app stack is `<stack>-<stage>`; with stages in several accounts each account's CI-access
    // stack is `<stack>-ci-access-<its first stage>` (src/naming.ts in the generated project).
    const longest = [`${context.stackName}-${resolved.name}`, ...(ciSuffixed.has(resolved.name) ? [`${context.stackName}-ci-access-${resolved.name}`] : [])]
      .sort((a, b) => b.length - a.length)[0]!;
    if (longest.length > MAX_STACK_NAME_LENGTH) {
      problems.push({
        path: [index, 'name'],
        input: resolved.name,
        message: `makes the stack name ${longest} longer than CloudFormation's ${MAX_STACK_NAME_LENGTH} characters: shorten the stage or project name`,
      });
    }
  });
  return problems;
}

/** How a stage is written on the command line: `prod:123456789012:eu-west-1`. */
export function stageSpec(entry: Pick<StageAnswer, 'name' | 'account' | 'region'>): string {
  if (entry.region) return `${entry.name}:${entry.account ?? ''}:${entry.region}`;
  return entry.account ? `${entry.name}:${entry.account}` : entry.name;
}
