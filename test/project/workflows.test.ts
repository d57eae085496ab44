import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javascript, Testing } from 'projen';
import { parse } from 'yaml';
import { refreshBaseImageDigestsStep } from '../../src/project/base-image-pins.js';
import { DELETION_PROTECTION_OFF, DIFF_COMMENT_MARKER, PINNED_ACTIONS } from '../../src/project/pipeline-workflows.js';
import { imageRepositoryOf } from '../../src/project/stack-name.js';
import { newProject } from '../support/project.js';
import type { Job, Workflow } from '../support/workflow.js';

/** The workflows of a project with a GitHub repository, by file name. */
function workflows(overrides: Record<string, unknown> = {}, packageManager?: javascript.NodePackageManager): Record<string, string> {
  const output = Testing.synth(newProject({ githubRepository: 'acme/orders', ...overrides }, packageManager));
  return Object.fromEntries(
    Object.entries(output)
      .filter(([path]) => path.startsWith('.github/workflows/'))
      .map(([path, text]) => [path.replace('.github/workflows/', ''), text as string]),
  );
}

const files = workflows();
const parsed = Object.fromEntries(Object.entries(files).map(([name, text]) => [name, parse(text) as Workflow]));
const allSteps = Object.entries(parsed).flatMap(([file, wf]) =>
  Object.entries(wf.jobs).flatMap(([job, { steps }]) => steps.map((step) => ({ file, job, step }))),
);

describe('generated workflows', () => {
  test('the pipeline replaces projen build and PR-title workflows', () => {
    expect(Object.keys(files).sort()).toEqual(['deploy.yml', 'destroy.yml', 'pull-request.yml', 'upgrade.yml']);
  });

  test('every uses: is owner/repo@<40-hex SHA> with the version in a comment, never a tag', () => {
    const usesLines = Object.values(files).flatMap((text) => text.split('\n').filter((line) => /^\s*(- )?uses:/.test(line)));
    expect(usesLines.length).toBeGreaterThan(10);
    for (const line of usesLines) {
      expect(line).toMatch(/^\s*(- )?uses: [\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    }
    for (const { step } of allSteps.filter((entry) => entry.step.uses)) {
      const [action, ref] = step.uses!.split('@') as [keyof typeof PINNED_ACTIONS, string];
      expect(PINNED_ACTIONS[action]?.sha).toBe(ref);
    }
  });

  test('permissions: {} at the top, and each job states its own', () => {
    for (const [name, wf] of Object.entries(parsed)) {
      expect([name, wf.permissions]).toEqual([name, {}]);
      for (const [job, { permissions }] of Object.entries(wf.jobs)) expect([name, job, permissions]).toEqual([name, job, expect.any(Object)]);
    }
  });

  test('only the AWS jobs may request an OIDC token, and only the comment job may write to pull requests', () => {
    const tokenJobs = Object.entries(parsed).flatMap(([file, wf]) =>
      Object.entries(wf.jobs).filter(([, job]) => job.permissions?.['id-token'] === 'write').map(([job]) => `${file}:${job}`),
    );
    expect(tokenJobs.sort()).toEqual([
      'deploy.yml:deploy-dev',
      'deploy.yml:deploy-prod',
      'destroy.yml:destroy-dev',
      'destroy.yml:destroy-prod',
      'pull-request.yml:diff-dev',
      'pull-request.yml:diff-prod',
    ]);
    const writers = Object.entries(parsed).flatMap(([file, wf]) =>
      Object.entries(wf.jobs)
        .filter(([, job]) => Object.values(job.permissions ?? {}).includes('write') && job.permissions?.['id-token'] !== 'write')
        .map(([job]) => `${file}:${job}`),
    );
    expect(writers).toEqual(['pull-request.yml:comment']);
  });

  test('no ${{ }} expression inside a run: script (values reach scripts through env)', () => {
    for (const { file, job, step } of allSteps.filter((entry) => entry.step.run)) {
      expect([file, job, step.name, step.run]).toEqual([file, job, step.name, expect.not.stringContaining('${{')]);
    }
  });

  test('checkouts do not keep the token', () => {
    for (const { step } of allSteps.filter((entry) => entry.step.uses?.startsWith('actions/checkout@'))) {
      expect(step.with?.['persist-credentials']).toBe(false);
    }
  });

  test("pull requests: tests with MariaDB as root, synth, checkov, image scan, a diff per stage with that stage's diff role, as one comment", () => {
    const pr = parsed['pull-request.yml']!;
    const runs = pr.jobs.build!.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('mariadb-server');
    expect(runs).toMatch(/sudo --preserve-env env "PATH=\$PATH" npx projen test/);
    expect(runs).toContain('synth:silent');
    expect(runs).toMatch(/checkov --directory cdk\.out/);
    const scan = pr.jobs.image!.steps.find((s) => s.uses?.startsWith('aquasecurity/trivy-action@'))!;
    expect(scan.with).toMatchObject({ 'severity': 'CRITICAL,HIGH', 'ignore-unfixed': true, 'exit-code': '1' });
    for (const stage of ['dev', 'prod']) {
      const diff = pr.jobs[`diff-${stage}`]!;
      expect(diff.steps.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']).toBe(`\${{ vars.AWS_DIFF_ROLE_ARN_${stage.toUpperCase()} }}`);
      expect(diff.environment).toBeUndefined(); // the diff roles trust `...:pull_request`, not an environment
      expect(diff.steps.map((s) => s.run ?? '').join('\n')).toContain('npx cdk diff --app cdk.out --no-change-set --no-color "${STAGE}/App"');
    }
    const comment = pr.jobs.comment!;
    expect(comment.needs).toEqual(['diff-dev', 'diff-prod']);
    expect(comment.steps.at(-1)!.env).toMatchObject({ MARKER: DIFF_COMMENT_MARKER, STAGES: 'dev prod' });
    expect(comment.steps.map((s) => s.run ?? '').join('\n')).toMatch(/--method PATCH[\s\S]*--method POST/);
  });

  test.each(['dev', 'prod'])('deploy %s: migrations run on the new image before the service rolls to it', (stage) => {
    const steps = parsed['deploy.yml']!.jobs[`deploy-${stage}`]!.steps.map((s) => s.run ?? '');
    const index = (pattern: RegExp) => steps.findIndex((run) => pattern.test(run));
    const create = index(/describe-stacks --stack-name "\$STACK"/);
    const push = index(/skopeo copy --quiet --preserve-digests/);
    const migrate = index(/MigrationImageTag=\$\{GITHUB_SHA\}" --outputs-file migration-outputs\.json/);
    const roll = index(/"\$\{STACK\}:ImageTag=\$\{GITHUB_SHA\}"/);
    expect([create, push, migrate, roll].every((i) => i >= 0)).toBe(true);
    expect(create).toBeLessThan(push);
    expect(push).toBeLessThan(migrate);
    expect(migrate).toBeLessThan(roll);
    // A failed migration stops the job before the roll.
    expect(steps[migrate]).toMatch(/aws ecs wait tasks-stopped[\s\S]*exitCode[\s\S]*exit 1/);
  });

  test('images are built for the ARM64 tasks: linux/arm64 under pinned QEMU, on the standard runner', () => {
    for (const [file, job] of [['pull-request.yml', 'image'], ['deploy.yml', 'build']] as const) {
      const { steps } = parsed[file]!.jobs[job]!;
      const qemu = steps.findIndex((s) => s.uses?.startsWith('docker/setup-qemu-action@'));
      const build = steps.findIndex((s) => /docker build --pull --platform "\$PLATFORM"/.test(s.run ?? ''));
      expect([file, qemu >= 0, build > qemu]).toEqual([file, true, true]);
    }
    expect(files['deploy.yml']).toContain('PLATFORM: linux/arm64');
    expect(files['pull-request.yml']).toContain('PLATFORM: linux/arm64');
  });

  test('without a GitHub repository: pull-request checks and upgrades only, no AWS access', () => {
    const output = Testing.synth(newProject());
    const names = Object.keys(output).filter((path) => path.startsWith('.github/workflows/'));
    expect(names.sort()).toEqual(['.github/workflows/pull-request.yml', '.github/workflows/upgrade.yml']);
    const pr = output['.github/workflows/pull-request.yml'] as string;
    expect(pr).not.toContain('id-token');
    expect(Object.keys((parse(pr) as Workflow).jobs).sort()).toEqual(['build', 'image']);
  });

  test('deploy: push to main, one run at a time; every stage ships the one cloud assembly synthesized (with cdk-nag) once', () => {
    const deploy = parsed['deploy.yml']!;
    expect(deploy.on).toEqual({ push: { branches: ['main'] } });
    expect(deploy.concurrency).toEqual({ 'group': 'deploy', 'cancel-in-progress': false });
    const build = deploy.jobs.build!.steps.map((s) => s.run ?? '').join('\n');
    expect(build.match(/npx cdk synth --quiet/g)).toHaveLength(1);
    for (const stage of ['dev', 'prod']) {
      const runs = deploy.jobs[`deploy-${stage}`]!.steps.map((s) => s.run ?? '').join('\n');
      expect(runs).not.toContain('cdk synth');
      expect(runs.match(/npx cdk deploy --app cdk.out "\$\{STAGE\}\/App"/g)).toHaveLength(3);
      expect(runs).toContain('GITHUB_STEP_SUMMARY');
    }
  });

  test('destroy: manual, compares the typed name through env, then only the typed stage, in its protected environment', () => {
    const destroy = parsed['destroy.yml']!;
    expect(Object.keys(destroy.on)).toEqual(['workflow_dispatch']);
    const confirm = destroy.jobs.confirm!.steps[0]!;
    expect(confirm.env).toEqual({ TYPED: '${{ inputs.stack_name }}', STACKS: 'orders-db-dev orders-db-prod' });
    expect(confirm.run).toContain('*" $TYPED "*) ;;');
    for (const stage of ['dev', 'prod']) {
      const job = destroy.jobs[`destroy-${stage}`]!;
      expect([job.needs, job.if, job.environment]).toEqual(['confirm', `inputs.stack_name == 'orders-db-${stage}'`, stage]);
      expect(job.steps.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['role-to-assume']).toBe(`\${{ vars.AWS_DEPLOY_ROLE_ARN_${stage.toUpperCase()} }}`);
      expect(job.steps.at(-2)!.run).toBe(`npx cdk destroy "\${STAGE}/App" --context ${DELETION_PROTECTION_OFF} --force --no-color`);
      expect(job.steps.at(-1)!.run).toBe(`npx cdk destroy "\${STAGE}/Edge" --context ${DELETION_PROTECTION_OFF} --force --no-color`);
    }
  });

  test.each(['dev', 'prod'])("destroy %s: deploys the stage's stack without deletion protection before it deletes it", (stage) => {
    const runs = parsed['destroy.yml']!.jobs[`destroy-${stage}`]!.steps.map((step) => step.run ?? '');
    const unprotect = runs.findIndex((run) => run.startsWith('npx cdk deploy "${STAGE}/App"'));
    const destroy = runs.findIndex((run) => run.startsWith('npx cdk destroy "${STAGE}/App"'));
    expect(unprotect).toBeGreaterThan(-1);
    expect(destroy).toBeGreaterThan(unprotect);
    // The companion goes after the app stack that reads its exports.
    expect(runs.findIndex((run) => run.startsWith('npx cdk destroy "${STAGE}/Edge"'))).toBeGreaterThan(destroy);
    // The same context value the stack reads (templates/src/main.ts), for both commands.
    for (const position of [unprotect, destroy]) expect(runs[position]).toContain(`--context ${DELETION_PROTECTION_OFF} `);
  });

  test('upgrades: a scheduled pull request that includes create-rds-iam-stack', () => {
    const upgrade = parsed['upgrade.yml']!;
    expect(upgrade.on).toHaveProperty('schedule');
    expect(allSteps.some(({ file, step }) => file === 'upgrade.yml' && step.uses?.startsWith('peter-evans/create-pull-request@'))).toBe(true);
  });

  test('upgrades: the base image digests of app/Dockerfile move to what their tags point at, before the patch is made', () => {
    const steps = parsed['upgrade.yml']!.jobs.upgrade!.steps;
    const refresh = steps.findIndex((s) => s.name === 'Refresh base image digests');
    const patch = steps.findIndex((s) => (s.run ?? '').includes('repo.patch'));
    expect(refresh).toBeGreaterThan(0);
    expect(refresh).toBeLessThan(patch);
    expect(steps[refresh]!.uses).toBeUndefined();
  });

  test('the digest refresh rewrites every pinned FROM line and nothing else (real bash, sed and jq; docker stubbed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digest-refresh-'));
    try {
      const old = `sha256:${'a'.repeat(64)}`;
      const fresh = `sha256:${'b'.repeat(64)}`;
      const dockerfile = join(dir, 'Dockerfile');
      writeFileSync(dockerfile, [
        `FROM node:24-bookworm-slim@${old} AS build`,
        'RUN echo node:24-bookworm-slim@' + old,
        `FROM node:24-bookworm-slim@${old} AS runtime`,
        'FROM busybox:1 AS unpinned',
        '',
      ].join('\n'));
      // `docker buildx imagetools inspect IMAGE --format '{{json .Manifest}}'` as the runners answer it.
      writeFileSync(join(dir, 'docker'), `#!/bin/sh\nprintf '{"mediaType":"application/vnd.oci.image.index.v1+json","digest":"${fresh}"}'\n`, { mode: 0o755 });
      const step = refreshBaseImageDigestsStep();
      execFileSync('bash', ['-c', step.run!], { env: { ...process.env, PATH: `${dir}:${process.env.PATH}`, DOCKERFILE: dockerfile } });
      expect(readFileSync(dockerfile, 'utf8').split('\n')).toEqual([
        `FROM node:24-bookworm-slim@${fresh} AS build`,
        'RUN echo node:24-bookworm-slim@' + old,
        `FROM node:24-bookworm-slim@${fresh} AS runtime`,
        'FROM busybox:1 AS unpinned',
        '',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the image repository name follows ECR rules: lower-case, no repeated or trailing separator', () => {
    expect(imageRepositoryOf('Orders-DB')).toBe('orders-db/app');
    expect(imageRepositoryOf('a--b-')).toBe('a-b/app');
    const text = workflows({ name: 'orders..db.' })['deploy.yml']!;
    expect(text).toContain('STACK: orders--db--dev');
    expect(text).toContain('IMAGE_REPOSITORY: orders-db-dev/app');
  });

  test('the region and stack names come from the answers', () => {
    const text = workflows({ name: '@acme/billing', region: 'eu-west-1' })['deploy.yml']!;
    expect(text).toContain('aws-region: eu-west-1');
    expect(text).toContain('STACK: billing-prod');
    expect(text).toContain('IMAGE_REPOSITORY: billing-prod/app');
  });

  test.each([
    [javascript.NodePackageManager.PNPM, 'pnpm i --frozen-lockfile', 'pnpm exec projen upgrade'],
    [javascript.NodePackageManager.YARN_CLASSIC, 'yarn install --check-files --frozen-lockfile', 'npx projen upgrade'],
    [javascript.NodePackageManager.YARN_BERRY, 'yarn install --immutable', 'yarn projen upgrade'],
    [javascript.NodePackageManager.BUN, 'bun install --frozen-lockfile', 'bunx projen upgrade'],
  ])('a %s project: its own frozen install, only pinned actions, and the upgrade job still upgrades', (packageManager, install, upgradeCommand) => {
    const texts = workflows({}, packageManager);
    const steps = Object.values(texts).flatMap((text) =>
      Object.values((parse(text) as Workflow).jobs).flatMap((job) => job.steps));
    const installs = steps.filter((step) => step.name === 'Install dependencies').map((step) => step.run);
    expect(installs.length).toBeGreaterThan(3);
    expect(new Set(installs)).toEqual(new Set([install]));
    expect(steps.filter((step) => step.run === 'npm ci')).toEqual([]);
    for (const step of steps.filter((entry) => entry.uses)) {
      const [action, ref] = step.uses!.split('@') as [keyof typeof PINNED_ACTIONS, string];
      expect(PINNED_ACTIONS[action]?.sha).toBe(ref);
    }
    const upgrade = (parse(texts['upgrade.yml']!) as Workflow).jobs.upgrade!.steps;
    expect(upgrade.find((step) => step.name === 'Upgrade dependencies')?.run).toBe(upgradeCommand);
    expect(upgrade.find((step) => step.name === 'Find mutations')?.run).toContain('>> "$GITHUB_OUTPUT"');
  });
});

describe('stages in the pipeline: dev in the deploying account, qa and prod in their own', () => {
  const stages = ['dev', 'qa:111111111111', 'prod:222222222222:eu-west-1'];
  const deploy = parse(workflows({ stages })['deploy.yml']!) as Workflow & { jobs: Record<string, Job & { env?: Record<string, string>; outputs?: Record<string, string> }> };
  const deployJobs = Object.keys(deploy.jobs).filter((id) => id.startsWith('deploy-'));

  test('promotion order: each stage starts only after the one before it succeeded, all after the one build', () => {
    expect(deployJobs).toEqual(['deploy-dev', 'deploy-qa', 'deploy-prod']);
    expect(deployJobs.map((id) => deploy.jobs[id]!.needs)).toEqual([['build'], ['build', 'deploy-dev'], ['build', 'deploy-qa']].map((needs) => (needs.length === 1 ? needs[0] : needs)));
    // No job continues past a failure: nothing overrides GitHub's default success() condition.
    expect(deployJobs.map((id) => deploy.jobs[id]!.if)).toEqual([undefined, undefined, undefined]);
  });

  test("per-stage environments, roles, regions and accounts: each job runs in its stage's environment with its stage's role", () => {
    const summary = deployJobs.map((id) => {
      const job = deploy.jobs[id]!;
      const credentials = job.steps.find((s) => s.uses?.startsWith('aws-actions/'))!.with!;
      return [job.environment, credentials['role-to-assume'], credentials['aws-region'], job.env!.AWS_ACCOUNT_ID, job.env!.STACK];
    });
    expect(summary).toEqual([
      ['dev', '${{ vars.AWS_DEPLOY_ROLE_ARN_DEV }}', 'us-east-1', '${{ vars.AWS_ACCOUNT_ID_DEV }}', 'orders-db-dev'],
      ['qa', '${{ vars.AWS_DEPLOY_ROLE_ARN_QA }}', 'us-east-1', '111111111111', 'orders-db-qa'],
      ['prod', '${{ vars.AWS_DEPLOY_ROLE_ARN_PROD }}', 'eu-west-1', '222222222222', 'orders-db-prod'],
    ]);
    for (const id of deployJobs) expect(deploy.jobs[id]!.steps.map((s) => s.name)).toContain('Check the AWS account');
  });

  test('digest promotion: the image is built once, and every stage pushes that archive and checks the same digest', () => {
    const build = deploy.jobs.build!;
    expect(build.outputs).toEqual({ digest: '${{ steps.archive.outputs.digest }}' });
    const archive = build.steps.find((s) => s.id === 'archive' || s.name?.startsWith('Archive'))!;
    expect(archive.run).toMatch(/skopeo copy --quiet "docker-daemon:\$\{IMAGE\}" "oci-archive:\$\{ARCHIVE\}"/);
    expect(archive.run).toContain('echo "digest=${digest}" >> "$GITHUB_OUTPUT"');
    // Tested before it is archived: a smoke run and the Trivy scan.
    const names = build.steps.map((s) => s.name ?? '');
    expect(names.findIndex((n) => n.startsWith('Smoke-test'))).toBeLessThan(names.findIndex((n) => n.startsWith('Archive')));
    expect(names.findIndex((n) => n.startsWith('Scan the image'))).toBeLessThan(names.findIndex((n) => n.startsWith('Archive')));
    for (const id of deployJobs) {
      const job = deploy.jobs[id]!;
      const runs = job.steps.map((s) => s.run ?? '').join('\n');
      expect(runs).not.toContain('docker build');
      expect(job.env!.IMAGE_DIGEST).toBe('${{ needs.build.outputs.digest }}');
      expect(job.steps.some((s) => s.uses?.startsWith('actions/download-artifact@') && s.with?.name === 'app-image')).toBe(true);
      expect(runs).toContain('skopeo copy --quiet --preserve-digests "oci-archive:${ARCHIVE}" "docker://${registry}/${IMAGE_REPOSITORY}:${GITHUB_SHA}"');
      expect(runs).toMatch(/if \[ "\$pushed" != "\$IMAGE_DIGEST" \]; then[\s\S]*exit 1/);
    }
  });

  test('a pull request diffs every stage, in promotion order, through its own read-only role in its region', () => {
    const pr = parse(workflows({ stages })['pull-request.yml']!) as Workflow;
    const diffs = Object.keys(pr.jobs).filter((id) => id.startsWith('diff-'));
    expect(diffs).toEqual(['diff-dev', 'diff-qa', 'diff-prod']);
    expect(diffs.map((id) => pr.jobs[id]!.steps.find((s) => s.uses?.startsWith('aws-actions/'))!.with!['aws-region'])).toEqual(['us-east-1', 'us-east-1', 'eu-west-1']);
    expect(pr.jobs.comment!.needs).toEqual(diffs);
  });
});
