import {
  AnswersError,
  instanceClassProblem,
  INSTANCE_CLASS_SIZES,
  parseAnswer,
  parseAnswers,
  STAGE_PROFILE_SETTINGS,
  stagesOf,
  withDefaults,
} from '../../src/answers/index.js';

const answers = (overrides: Record<string, unknown> = {}) => parseAnswers(withDefaults({ name: 'orders-db', ...overrides }));

/** The problems of a run, as "field|value|rule" strings. */
function problemsOf(overrides: Record<string, unknown>): string[] {
  try {
    answers(overrides);
    return [];
  } catch (error) {
    if (!(error instanceof AnswersError)) throw error;
    return error.problems.map((p) => `${p.field}|${JSON.stringify(p.value)}|${p.rule}`);
  }
}

describe('stages', () => {
  test('default: dev (development) then prod (production), in the same account and the project region', () => {
    expect(stagesOf(answers({ region: 'eu-west-1' })).map((s) => [s.name, s.account, s.region, s.profile, s.stackName])).toEqual([
      ['dev', undefined, 'eu-west-1', 'development', 'orders-db-dev'],
      ['prod', undefined, 'eu-west-1', 'production', 'orders-db-prod'],
    ]);
  });

  test('NAME[:ACCOUNT[:REGION]] as flags, in promotion order; the last is production, the others development', () => {
    const parsed = parseAnswer('stages', ['dev', 'qa:111111111111', 'prod:222222222222:eu-central-1', 'dr::eu-west-2']);
    expect(parsed).toEqual([
      { name: 'dev', profile: 'development' },
      { name: 'qa', account: '111111111111', profile: 'development' },
      { name: 'prod', account: '222222222222', region: 'eu-central-1', profile: 'development' },
      { name: 'dr', region: 'eu-west-2', profile: 'production' },
    ]);
  });

  test('a stage that names its profile keeps it; a single stage is production', () => {
    expect(answers({ stages: [{ name: 'dev' }, { name: 'prod', profile: 'production' }, { name: 'sandbox', profile: 'development' }] }).stages.map((s) => s.profile))
      .toEqual(['development', 'production', 'development']);
    expect(answers({ stages: ['live'] }).stages).toEqual([{ name: 'live', profile: 'production' }]);
  });

  test('profiles set sizes and protections; natGateways and multiAz still set the production stages', () => {
    const [dev, prod] = stagesOf(answers({ natGateways: 'single', multiAz: false }));
    expect(dev!.settings).toEqual(STAGE_PROFILE_SETTINGS.development);
    expect(prod!.settings).toEqual({ ...STAGE_PROFILE_SETTINGS.production, natGateways: 'single', multiAz: false });
    expect(STAGE_PROFILE_SETTINGS.development).toMatchObject({ natGateways: 'single', multiAz: false, minTasks: 1, deletionProtection: false });
    expect(STAGE_PROFILE_SETTINGS.production).toMatchObject({ natGateways: 'per-az', multiAz: true, deletionProtection: true });
    expect(STAGE_PROFILE_SETTINGS.production.minTasks).toBeGreaterThanOrEqual(2);
    const { production, development } = STAGE_PROFILE_SETTINGS;
    expect([production.webApplicationFirewall, development.webApplicationFirewall]).toEqual([true, false]);
    expect(STAGE_PROFILE_SETTINGS.development.backupRetentionDays).toBeLessThan(STAGE_PROFILE_SETTINGS.production.backupRetentionDays);
  });

  test('each setting can be overridden per stage (.projenrc.ts), also from text', () => {
    const [dev] = stagesOf(answers({
      stages: [{ name: 'dev', instanceClass: 'db.r7g.xlarge', multiAz: 'yes', natGateways: 'per-az', webApplicationFirewall: 'yes', minTasks: '2', maxTasks: 4, deletionProtection: true, backupRetentionDays: 7 }, 'prod'],
    }));
    expect(dev!.settings).toEqual({ instanceClass: 'db.r7g.xlarge', multiAz: true, natGateways: 'per-az', webApplicationFirewall: true, minTasks: 2, maxTasks: 4, deletionProtection: true, backupRetentionDays: 7 });
  });

  test('answers from before stages (no stages key) stay valid and get the default chain', () => {
    const legacy = { name: 'orders-db', region: 'eu-west-1', azCount: 2, databaseName: 'app', databaseUsers: ['app:read-write'], appUser: 'app', natGateways: 'single', multiAz: false, proxyAuth: 'end-to-end-iam' };
    expect(parseAnswers(withDefaults(legacy)).stages.map((s) => s.name)).toEqual(['dev', 'prod']);
  });

  test.each([
    [['dev', 'dev'], /stage #2 name \(--stage\)\|"dev"\|must be unique among the stages/],
    [['Prod'], /stage #1 name \(--stage\)\|"Prod"\|must be 1-12 characters: a lower-case letter/],
    [['1dev'], /stage #1 name .*a lower-case letter, then/],
    [['averylongstagename'], /stage #1 name .*must be 1-12 characters/],
    [['prod:12345'], /stage #1 account \(--stage\)\|"12345"\|must be a 12-digit AWS account id/],
    [['prod:1234567890123'], /stage #1 account .*12-digit/],
    [['prod::mars-1'], /stage #1 region \(--stage\)\|"mars-1"\|must be an AWS commercial region/],
    [['prod:111111111111:eu-west-1:x'], /stage #1 \(--stage\)\|"prod:111111111111:eu-west-1:x"\|must be NAME\[:ACCOUNT\[:REGION\]\]/],
    [[], /stages .*must name at least one stage/],
    [[{ name: 'prod', profile: 'staging' }], /stage #1 profile .*"staging"\|must be one of development, production/],
    [[{ name: 'prod', instance: 'db.m7g.large' }], /stage #1 .*has unknown settings \(known: name, account, region, profile, instanceClass/],
    [[{ name: 'prod', backupRetentionDays: 0 }], /stage #1 backupRetentionDays .*\|0\|must be at least 1 days/],
    [[{ name: 'prod', backupRetentionDays: 36 }], /must be at most 35 days/],
    [[{ name: 'prod', minTasks: 3, maxTasks: 2 }], /stage #1 minTasks \(--stage\)\|3\|must be at most maxTasks \(2\)/],
    [[{ name: 'dev', minTasks: 3 }, 'prod'], /stage #1 minTasks .*\|3\|must be at most maxTasks \(2\)/],
  ])('rejects %j, naming the field, the value and the rule', (stages, rule) => {
    const problems = problemsOf({ stages });
    if (!problems.some((p) => rule.test(p))) throw new Error(`expected a problem matching ${rule}, got:\n${problems.join('\n')}`);
  });

  test('a stage region must have the Availability Zones the project spans', () => {
    expect(problemsOf({ azCount: 3, stages: ['dev', 'prod::us-west-1'] })).toEqual([
      'stage #2 region (--stage)|"us-west-1"|has 2 Availability Zones, fewer than the 3 the project spans (--az-count)',
    ]);
    expect(stagesOf(answers({ azCount: 3, stages: ['dev', 'prod::eu-west-1'] }))[1]!.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
  });

  test('every derived stack name stays within CloudFormation\'s 128 characters', () => {
    const name = `a${'b'.repeat(109)}`;
    // One account: the CI-access stack is <stack>-ci-access, the app stacks <stack>-<stage>.
    expect(problemsOf({ name, stages: ['dev', 'production12'] })).toEqual([]);
    // Two accounts: each account's CI-access stack is <stack>-ci-access-<its first stage>.
    expect(problemsOf({ name, stages: ['dev', 'production12:222222222222'] })).toEqual([
      expect.stringMatching(/^stage #2 name \(--stage\)\|"production12"\|makes the stack name a(b+)-ci-access-production12 longer than CloudFormation's 128 characters/),
    ]);
    expect(problemsOf({ name: 'a'.repeat(118), stages: ['dev', 'production12'] })).toEqual([
      expect.stringMatching(/^stage #2 name .*makes the stack name a+-production12 longer/),
    ]);
  });
});

describe('instance classes', () => {
  test.each(['db.t4g.medium', 'db.t3.large', 'db.m7g.large', 'db.m8g.48xlarge', 'db.r6i.32xlarge', 'db.r8g.large'])('accepts %s', (instanceClass) => {
    expect(instanceClassProblem(instanceClass)).toBeUndefined();
    expect(problemsOf({ stages: [{ name: 'prod', instanceClass }] })).toEqual([]);
  });

  test.each([
    ['db.t4g.micro', /must be one of the db.t4g sizes medium, large, xlarge, 2xlarge \(Performance Insights needs medium or larger\)/],
    ['db.t3.small', /Performance Insights needs medium or larger/],
    ['db.t2.large', /must be a class that RDS for MySQL 8.4 offers behind RDS Proxy .*db.t2, db.m4 and db.r4 are previous generation/],
    ['db.serverless', /is an Aurora class; RDS for MySQL 8.4 behind RDS Proxy needs a provisioned class/],
    ['db.m7g.huge', /must be one of the db.m7g sizes/],
    ['m7g.large', /must be a DB instance class such as db.t4g.medium/],
  ])('rejects %s', (instanceClass, rule) => {
    expect(instanceClassProblem(instanceClass)).toMatch(rule);
    expect(problemsOf({ stages: [{ name: 'prod', instanceClass }] })).toEqual([
      expect.stringMatching(new RegExp(`^stage #1 instanceClass \\(--stage\\)\\|"${instanceClass}"\\|`)),
    ]);
  });

  test("both profiles' classes are in the table", () => {
    for (const settings of Object.values(STAGE_PROFILE_SETTINGS)) expect(instanceClassProblem(settings.instanceClass)).toBeUndefined();
    expect(Object.keys(INSTANCE_CLASS_SIZES)).not.toContain('t2');
  });
});
