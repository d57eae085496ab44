import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deletionProtectedResources } from './deletion-protection.js';
import { assembleRuntimeStage, probeRuntime } from './service-runtime.js';
import { assertValidatorsInstalled } from './template-validators.js';
import { lintWorkflows, unpinnedActions, workflowFiles } from './workflow-linters.js';
import { parseAnswers, withDefaults } from '../../src/answers/index.js';
import { PACKAGE_ROOT, PACKAGE_VERSION } from '../../src/package-info.js';
import { renderProjenrc } from '../../src/project/index.js';
import { run } from '../support/commands.js';

/**
 * The whole path a team takes, offline from AWS: scaffold with install (this package from a local
 * tarball, since it is not published from here) and first commit, then the build CI runs = projen
 * synth + compile + the generated tests + cdk synth with cdk-nag.
 */
const work = mkdtempSync(join(tmpdir(), 'rds-iam-stack-e2e-'));
const project = join(work, 'orders-db');
const gitIdentity = {
  GIT_AUTHOR_NAME: 'e2e',
  GIT_AUTHOR_EMAIL: 'e2e@example.com',
  GIT_COMMITTER_NAME: 'e2e',
  GIT_COMMITTER_EMAIL: 'e2e@example.com',
};
// Everything the commands put in the temp dir (cdk.out.*, npm's and jest's files) lands in `work`,
// removed at the end. `work` itself: projen run under jest (JEST_WORKER_ID is inherited) renders
// into a fresh temp dir unless the project lies inside the temp dir.
const env = { ...process.env, ...gitIdentity, CI: 'true', NODE_OPTIONS: '', CDK_DISABLE_CLI_TELEMETRY: 'true', TMPDIR: work };
const tarball = join(work, `create-rds-iam-stack-${PACKAGE_VERSION}.tgz`);

beforeAll(() => {
  assertValidatorsInstalled();
  run('npm', ['pack', '--pack-destination', work], { cwd: PACKAGE_ROOT, env });
  run(
    process.execPath,
    [
      join(PACKAGE_ROOT, 'lib/cli/bin.js'),
      'orders-db',
      '--region',
      'eu-west-1',
      '--az-count',
      '3',
      '--db-name',
      'orders',
      '--user',
      'orders_app:read-write',
      '--user',
      'reporting:read-only',
      '--user',
      'orders_migrator:schema-owner',
      '--github-repo',
      'acme/orders',
      // Two stages in two accounts: the project installs, runs its tests and synthesizes with them.
      '--stage',
      'dev:111111111111',
      '--stage',
      'prod:222222222222:eu-central-1',
      '--yes',
      '--package-source',
      `file:${tarball}`,
    ],
    { cwd: work, env },
  );
});

afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 3 }));

test('the first commit passes the generated CI: right after the scaffold, `projen build` with CI=true (projen, compile, its tests, cdk synth with cdk-nag)', () => {
  // The scaffold installed, wrote the template snapshot and committed; CI refuses a missing snapshot.
  expect(run('git', ['ls-files', 'test/infra/__snapshots__'], { cwd: project, env })).toContain('template-snapshot.test.ts.snap');
  expect(run('git', ['status', '--porcelain'], { cwd: project, env })).toBe('');
  run('npx', ['projen', 'build'], { cwd: project, env });
  // One Stage per stage (its app stack and its us-east-1 companion), and with --github-repo one
  // CI-access stack per account.
  expect(templateFiles(join(project, 'cdk.out')).sort()).toEqual([
    expect.stringMatching(/^assembly-dev\/devApp[0-9A-F]{8}\.template\.json$/),
    expect.stringMatching(/^assembly-dev\/devEdge[0-9A-F]{8}\.template\.json$/),
    expect.stringMatching(/^assembly-prod\/prodApp[0-9A-F]{8}\.template\.json$/),
    expect.stringMatching(/^assembly-prod\/prodEdge[0-9A-F]{8}\.template\.json$/),
    'orders-db-ci-access-dev.template.json',
    'orders-db-ci-access-prod.template.json',
  ]);
  const snapshot = readFileSync(join(project, 'test/infra/__snapshots__/template-snapshot.test.ts.snap'), 'utf8');
  expect(snapshot).toContain('ASSET-HASH');
  expect(snapshot).not.toMatch(/[0-9a-f]{64}/);
});

test("tsc is TypeScript 7's native compiler and the `typescript` module TypeScript 6's API, in the project and in app/", () => {
  for (const cwd of [project, join(project, 'app')]) {
    expect(run('npx', ['tsc', '--version'], { cwd, env })).toMatch(/^Version 7\./);
    const api = run(process.execPath, ['--input-type=module', '-e', "import ts from 'typescript'; console.log(ts.version)"], { cwd, env });
    expect(api.trim()).toMatch(/^6\./);
  }
});

test("cdk.json carries the installed aws-cdk-lib's recommended feature flags; synth reports none unconfigured", () => {
  const cdkJson = JSON.parse(readFileSync(join(project, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const recommended = JSON.parse(readFileSync(join(project, 'node_modules/aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as unknown;
  expect(cdkJson.context).toEqual(recommended);
  const output = run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', join(work, 'cdk.out.flags')], { cwd: project, env });
  expect(output).not.toMatch(/feature flags? (are|is) not configured/);
});

test('the destroy procedure lifts every deletion protection: none is left in the stage the destroy workflow deploys', () => {
  // prod: the production profile, protected by default.
  const template = (outdir: string) =>
    JSON.parse(readFileSync(join(outdir, templateFiles(outdir).find((file) => file.startsWith('assembly-prod/'))!), 'utf8')) as Parameters<typeof deletionProtectedResources>[0];
  const protectedByDefault = deletionProtectedResources(template(join(project, 'cdk.out')));
  expect(protectedByDefault.map((resource) => resource.split(' ')[0])).toEqual(
    expect.arrayContaining(['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AWS::RDS::DBInstance']),
  );
  const destroy = parse(readFileSync(join(project, '.github/workflows/destroy.yml'), 'utf8')) as { jobs: Record<string, { steps: { run?: string }[] }> };
  const unprotect = destroy.jobs['destroy-prod']!.steps.map((step) => step.run ?? '').find((script) => script.startsWith('npx cdk deploy'));
  const context = unprotect?.match(/--context (\S+)/)?.[1];
  expect(context).toBeDefined();
  const outdir = join(work, 'cdk.out.unprotected');
  run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--context', context!, '--output', outdir], { cwd: project, env });
  expect(deletionProtectedResources(template(outdir))).toEqual([]);
});

test('CI refuses a template that no longer matches the reviewed snapshot', () => {
  const snapshotFile = join(project, 'test/infra/__snapshots__/template-snapshot.test.ts.snap');
  const reviewed = readFileSync(snapshotFile, 'utf8');
  try {
    writeFileSync(snapshotFile, reviewed.replace('"DeletionProtection": true', '"DeletionProtection": false'));
    expect(() =>
      run('npx', ['jest', 'test/infra/template-snapshot.test.ts'], {
        cwd: project,
        env: { ...env, NODE_OPTIONS: '--experimental-vm-modules', SHARED_SYNTHESES: 'off' },
      }),
    ).toThrow(/Snapshot .* mismatched|1 snapshot failed/);
  } finally {
    writeFileSync(snapshotFile, reviewed);
  }
});

test('re-running projen leaves every managed and owned file as generated', () => {
  run('npx', ['projen'], { cwd: project, env });
  expect(run('git', ['status', '--porcelain'], { cwd: project, env })).toBe('');
});

test('changing a user in .projenrc.ts re-renders the config module', () => {
  const projenrc = join(project, '.projenrc.ts');
  const original = readFileSync(projenrc, 'utf8');
  try {
    const edited = original.replace("{ name: 'reporting', access: 'read-only' },", "{ name: 'reporting', access: 'read-write' },");
    expect(edited).not.toBe(original);
    writeFileSync(projenrc, edited);
    run('npx', ['projen'], { cwd: project, env });
    expect(readFileSync(join(project, 'src/stack-config.ts'), 'utf8')).toContain("name: 'reporting',\n      access: 'read-write'");
  } finally {
    writeFileSync(projenrc, original);
    run('npx', ['projen'], { cwd: project, env });
  }
});

test('an invalid edit of .projenrc.ts fails projen with the rule, naming the .projenrc.ts field, without a stack trace', () => {
  const projenrc = join(project, '.projenrc.ts');
  const original = readFileSync(projenrc, 'utf8');
  let failure = '';
  try {
    writeFileSync(projenrc, original.replace("{ name: 'reporting', access: 'read-only' }", "{ name: 'rdsadmin', access: 'read-only' }"));
    run('npx', ['projen'], { cwd: project, env });
  } catch (error) {
    failure = (error as Error).message;
  } finally {
    writeFileSync(projenrc, original);
  }
  expect(failure).toMatch(/Invalid RdsIamStackProject options in \.projenrc\.ts:\n {2}- databaseUsers\[1\]\.name "rdsadmin" must not be a reserved account/);
  expect(failure).not.toMatch(/--user|^\s+at /m);
  expect(existsSync(join(project, 'src/stack-config.ts'))).toBe(true);
});

test("the service's image, assembled without Docker: production dependencies only, health 200, ready 503 without a database, clean SIGTERM", async () => {
  const runtime = assembleRuntimeStage(join(project, 'app'), work, env);
  const probe = await probeRuntime(runtime, env);
  expect({ healthz: probe.healthz, readyz: probe.readyz, exitCode: probe.exitCode }).toEqual({ healthz: 200, readyz: 503, exitCode: 0 });
  expect(probe.output).not.toMatch(/password|secret/i);
});

test("checkov passes the service's Dockerfile", () => {
  run('checkov', ['--file', join(project, 'app/Dockerfile'), '--framework', 'dockerfile', '--compact', '--quiet', '--skip-download'], {
    cwd: work,
    env,
  });
});

/**
 * The answer sets whose synthesized templates cfn-lint and checkov must pass. The project name
 * stays that of the installed project: a new name would change package.json and its lockfile.
 */
const TEMPLATE_MATRIX = {
  'two-azs-one-user': { region: 'eu-west-2', azCount: 2, databaseUsers: ['app:read-write'] },
  'three-azs-mixed-users': {
    region: 'eu-central-1',
    githubRepository: 'acme/orders',
    azCount: 3,
    databaseName: 'orders',
    databaseUsers: ['orders_app:read-write', 'reporting:read-only', 'migrator:schema-owner', 'dba:admin'],
    // Operators: their role per stage, ECS Exec with encrypted session logs, the Session Manager endpoint.
    operators: ['arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-central-1/AWSReservedSSO_DBA_0123abcd4567ef89'],
    natGateways: 'single',
    multiAz: false,
    alarmEmail: 'oncall@example.com',
    // The front door with its own name and zone (HTTPS to the load balancer, alias records), and NAT.
    domainName: 'orders.example.com',
    hostedZone: 'Z0123456789ABCDEFGHIJ',
    internetEgress: true,
  },
  'largest-region': { region: 'us-east-1', azCount: 6, databaseUsers: ['svc:schema-owner'] },
  'iam-with-master-secret': { region: 'ap-southeast-2', azCount: 3, proxyAuth: 'iam-with-master-secret', githubRepository: 'acme/orders' },
  'two-stages-two-accounts': {
    region: 'eu-west-1',
    azCount: 2,
    githubRepository: 'acme/orders',
    stages: ['dev:111111111111', 'prod:222222222222:eu-central-1'],
  },
} as const;

describe.each(Object.entries(TEMPLATE_MATRIX))('templates for %s', (label, given) => {
  const outdir = join(work, `cdk.out.${label}`);
  const projenrc = join(project, '.projenrc.ts');
  let original: string;

  beforeAll(() => {
    original = readFileSync(projenrc, 'utf8');
    const answers = parseAnswers(withDefaults({ name: 'orders-db', ...given }));
    writeFileSync(projenrc, renderProjenrc(answers, { packageSource: `file:${tarball}` }));
    run('npx', ['projen'], { cwd: project, env });
    run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--output', outdir], { cwd: project, env });
  });

  afterAll(() => {
    writeFileSync(projenrc, original);
    run('npx', ['projen'], { cwd: project, env });
  });

  test('synthesize (cdk-nag clean): per stage its app stack and us-east-1 companion, a CI-access stack per account', () => {
    const stages = 'stages' in given ? given.stages.length : 2;
    const accounts = 'stages' in given ? new Set(given.stages.map((stage) => stage.split(':')[1])).size : 1;
    const templates = templateFiles(outdir);
    expect(templates.filter((file) => /^assembly-[a-z0-9]+\/[a-z0-9]+App[0-9A-F]{8}\.template\.json$/.test(file))).toHaveLength(stages);
    expect(templates.filter((file) => /^assembly-[a-z0-9]+\/[a-z0-9]+Edge[0-9A-F]{8}\.template\.json$/.test(file))).toHaveLength(stages);
    expect(templates.filter((file) => file.startsWith('assembly-'))).toHaveLength(2 * stages);
    expect(templates.filter((file) => file.includes('-ci-access'))).toHaveLength('githubRepository' in given ? accounts : 0);
  });

  test('cfn-lint reports no errors', () => {
    run('cfn-lint', ['--format', 'parseable', ...templateFiles(outdir).map((file) => join(outdir, file))], { cwd: work, env });
  });

  test('checkov reports no failed check (skips carry their reasons in the template)', () => {
    run('checkov', ['--directory', outdir, '--framework', 'cloudformation', '--compact', '--quiet', '--skip-download'], {
      cwd: work,
      env,
    });
  });

  test('the workflows: actionlint and zizmor report nothing, every action pinned by SHA', () => {
    const expected = 'githubRepository' in given ? 4 : 2;
    expect(workflowFiles(project)).toHaveLength(expected);
    expect(lintWorkflows(project)).toBeUndefined();
    expect(unpinnedActions(project)).toEqual([]);
  });

  if ('githubRepository' in given) {
    test("each stage's deploy job pushes to the repository that stage's stack creates (managed and owned names agree)", () => {
      const deploy = parse(readFileSync(join(project, '.github/workflows/deploy.yml'), 'utf8')) as {
        jobs: Record<string, { env?: Record<string, string> }>;
      };
      const stageJobs = Object.entries(deploy.jobs).filter(([id]) => id.startsWith('deploy-'));
      expect(stageJobs.length).toBeGreaterThan(0);
      for (const [, job] of stageJobs) {
        const template = templateFiles(outdir).find((file) => file.startsWith(`assembly-${job.env!.STAGE}/`))!;
        const resources = (JSON.parse(readFileSync(join(outdir, template), 'utf8')) as {
          Resources: Record<string, { Type: string; Properties?: { RepositoryName?: string } }>;
        }).Resources;
        const repositories = Object.values(resources).filter((resource) => resource.Type === 'AWS::ECR::Repository');
        expect(repositories.map((resource) => resource.Properties?.RepositoryName)).toEqual([job.env!.IMAGE_REPOSITORY]);
      }
    });
  }
});

test("this repository's own workflows (build, release): actionlint and zizmor report nothing, every action pinned by SHA", () => {
  expect(workflowFiles(PACKAGE_ROOT).map((file) => file.split('/').pop()).sort()).toEqual(['build.yml', 'release.yml']);
  expect(lintWorkflows(PACKAGE_ROOT)).toBeUndefined();
  expect(unpinnedActions(PACKAGE_ROOT)).toEqual([]);
});

/** The CloudFormation templates of a cloud assembly, the stages' nested assemblies included, relative to it. */
function templateFiles(assembly: string): string[] {
  return readdirSync(assembly, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.template.json'));
}
