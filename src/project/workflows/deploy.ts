import { github } from '../projen-modules.js';
import { armEmulation, pinned } from './actions.js';
import {
  accountGuard,
  APP_DIRECTORY,
  APP_STACK_ID,
  awsCredentials,
  BRANCH,
  download,
  expectedAccount,
  FIND_STAGE_TEMPLATE,
  IMAGE_PLATFORM,
  IMAGE_TAG_PARAMETER,
  MIGRATION_IMAGE_TAG_PARAMETER,
  OIDC_PERMISSIONS,
  RUNNER,
  stageJobId,
  stageVariables,
  type StepKit,
  variable,
} from './kit.js';
import { trivyScan } from './pull-request.js';
import type { ResolvedStage } from '../../answers/index.js';
import { imageRepositoryOf } from '../stack-name.js';

/** The image, built once per run, as an OCI archive: every stage pushes exactly these bytes. */
const IMAGE_ARTIFACT = 'app-image';
const IMAGE_ARCHIVE = 'app-image.oci.tar';

/**
 * `deploy.yml` (push to main): the cloud assembly is synthesized once and the image built once
 * (linux/arm64) and tested (a smoke run and Trivy); then the stages deploy one after the other in
 * promotion order, a later stage only after the earlier one succeeded. Each stage runs in the
 * GitHub environment named after it (its reviewers gate it), assumes that stage's OIDC role, pushes
 * the same image digest into the stage's registry, runs the stage's migrations, then rolls its
 * service.
 */
export function renderDeploy(gh: github.GitHub, kit: StepKit, stages: readonly ResolvedStage[]): void {
  const wf = new github.GithubWorkflow(gh, 'deploy', {
    limitConcurrency: true,
    // One pipeline run at a time; a newer push waits instead of cancelling one half-way.
    concurrencyOptions: { group: 'deploy', cancelInProgress: false },
  });
  wf.on({ push: { branches: [BRANCH] } });
  wf.addJobs({ build: buildJob(kit, stages) });
  stages.forEach((stage, index) => {
    const previous = stages[index - 1];
    wf.addJobs({ [stageJobId('deploy', stage)]: deployJob(kit, stage, previous ? ['build', stageJobId('deploy', previous)] : ['build']) });
  });
}

function buildJob(kit: StepKit, stages: readonly ResolvedStage[]): github.workflows.Job {
  return {
    name: 'Synthesize once, build the image once and test it',
    runsOn: RUNNER,
    permissions: { contents: github.workflows.JobPermission.READ },
    timeoutMinutes: 45,
    env: { IMAGE: 'app:candidate', APP_DIR: APP_DIRECTORY, PLATFORM: IMAGE_PLATFORM },
    outputs: { digest: { stepId: 'archive', outputName: 'digest' } },
    steps: [
      ...kit.setupSteps(),
      {
        // One cloud assembly for every stage: each deploys exactly what was checked here.
        name: 'Synthesize (cdk-nag included)',
        run: 'npx cdk synth --quiet --no-color',
      },
      {
        name: 'Keep the cloud assembly',
        uses: pinned('actions/upload-artifact'),
        with: { 'name': 'cdk-out', 'path': 'cdk.out', 'retention-days': 7, 'if-no-files-found': 'error' },
      },
      armEmulation(),
      { name: 'Build the image', run: 'docker build --pull --platform "$PLATFORM" --tag "$IMAGE" "$APP_DIR"' },
      {
        // Without a database the service is alive (/healthz) but not ready: it must start, answer and stop cleanly.
        name: 'Smoke-test the image (starts, answers /healthz)',
        env: { DB_REGION: stages[0]!.region },
        run: [
          'docker run --detach --name smoke --platform "$PLATFORM" --publish 127.0.0.1:8080:8080 \\',
          '  --env DB_HOST=proxy.invalid --env DB_NAME=app --env DB_USER=app --env DB_REGION "$IMAGE" > /dev/null',
          'for attempt in $(seq 1 60); do',
          '  if curl --silent --fail http://127.0.0.1:8080/healthz > /dev/null; then ok=1; break; fi',
          '  sleep 2',
          'done',
          'docker logs smoke',
          'docker rm --force smoke > /dev/null',
          'if [ -z "${ok:-}" ]; then echo "::error::The image did not answer /healthz after ${attempt} attempts."; exit 1; fi',
        ].join('\n'),
      },
      trivyScan('${{ env.IMAGE }}'),
      {
        // An OCI archive has fixed, compressed layers and one manifest: copying it with
        // --preserve-digests gives every stage's registry the same digest.
        id: 'archive',
        name: 'Archive the image (OCI) and record its digest',
        env: { ARCHIVE: IMAGE_ARCHIVE },
        run: [
          'skopeo copy --quiet "docker-daemon:${IMAGE}" "oci-archive:${ARCHIVE}"',
          'digest="$(tar --extract --to-stdout --file "$ARCHIVE" index.json | jq -r \'.manifests[0].digest\')"',
          'echo "digest=${digest}" >> "$GITHUB_OUTPUT"',
          'echo "Image digest: \\`${digest}\\`" >> "$GITHUB_STEP_SUMMARY"',
        ].join('\n'),
      },
      {
        name: 'Keep the image',
        uses: pinned('actions/upload-artifact'),
        with: { 'name': IMAGE_ARTIFACT, 'path': IMAGE_ARCHIVE, 'retention-days': 7, 'if-no-files-found': 'error' },
      },
    ],
  };
}

function deployJob(kit: StepKit, stage: ResolvedStage, needs: string[]): github.workflows.Job {
  const vars = stageVariables(stage);
  return {
    name: `Deploy ${stage.name} (${stage.stackName})`,
    needs,
    runsOn: RUNNER,
    // The stage's GitHub environment: its reviewers approve, and only its jobs can assume its deploy role.
    environment: stage.name,
    permissions: OIDC_PERMISSIONS,
    timeoutMinutes: 90,
    env: {
      STAGE: stage.name,
      STACK: stage.stackName,
      IMAGE_REPOSITORY: imageRepositoryOf(stage.stackName),
      IMAGE_DIGEST: '${{ needs.build.outputs.digest }}',
      AWS_ACCOUNT_ID: expectedAccount(stage),
    },
    steps: [
      ...kit.setupSteps(),
      download('cdk-out', 'cdk.out'),
      download(IMAGE_ARTIFACT),
      awsCredentials(variable(vars.deployRole), stage.region, `deploy-${stage.name}`),
      accountGuard(),
      {
        // The image repository belongs to the stack: the first deployment creates both, with the
        // service at 0 tasks until an image tag is set below.
        name: 'Create the stack on the first deployment',
        run: [
          'if ! aws cloudformation describe-stacks --stack-name "$STACK" > /dev/null 2>&1; then',
          `  npx cdk deploy --app cdk.out "\${STAGE}/${APP_STACK_ID}" --require-approval never --no-color`,
          'fi',
        ].join('\n'),
      },
      {
        // Tags are immutable in the repository: the commit SHA names exactly this digest, here and in every stage.
        name: 'Push the built image (same digest, tag = commit SHA)',
        env: { ARCHIVE: IMAGE_ARCHIVE },
        run: [
          'registry="${AWS_ACCOUNT_ID}.dkr.ecr.${AWS_REGION}.amazonaws.com"',
          'aws ecr get-login-password | skopeo login --username AWS --password-stdin "$registry"',
          'if ! aws ecr describe-images --repository-name "$IMAGE_REPOSITORY" --image-ids "imageTag=${GITHUB_SHA}" > /dev/null 2>&1; then',
          '  skopeo copy --quiet --preserve-digests "oci-archive:${ARCHIVE}" "docker://${registry}/${IMAGE_REPOSITORY}:${GITHUB_SHA}"',
          'fi',
          'pushed="$(aws ecr describe-images --repository-name "$IMAGE_REPOSITORY" --image-ids "imageTag=${GITHUB_SHA}" \\',
          '  --query "imageDetails[0].imageDigest" --output text)"',
          'if [ "$pushed" != "$IMAGE_DIGEST" ]; then',
          '  echo "::error::${IMAGE_REPOSITORY}:${GITHUB_SHA} is ${pushed}, the tested image is ${IMAGE_DIGEST}."',
          '  exit 1',
          'fi',
          'echo "${STAGE}: \\`${IMAGE_REPOSITORY}@${pushed}\\`" >> "$GITHUB_STEP_SUMMARY"',
        ].join('\n'),
      },
      {
        // Migrations first, on the new image; the service still runs the previous one. Only when
        // they succeed does the next step roll the service: new code never meets an old schema.
        name: 'Run the schema migrations (when a schema-owner user exists)',
        run: [
          FIND_STAGE_TEMPLATE,
          `if ! jq -e '.Parameters.${MIGRATION_IMAGE_TAG_PARAMETER}' "$template" > /dev/null; then`,
          '  echo "No migration task: no schema-owner user besides the app user."',
          '  exit 0',
          'fi',
          `npx cdk deploy --app cdk.out "\${STAGE}/${APP_STACK_ID}" --require-approval never --no-color \\`,
          `  --parameters "\${STACK}:${MIGRATION_IMAGE_TAG_PARAMETER}=\${GITHUB_SHA}" --outputs-file migration-outputs.json`,
          'input="$(jq -r --arg stack "$STACK" \'.[$stack].MigrationRunTaskInput\' migration-outputs.json)"',
          'task="$(aws ecs run-task --cli-input-json "$input" --started-by "deploy-${GITHUB_SHA:0:7}" \\',
          '  --query "tasks[0].taskArn" --output text)"',
          'cluster="$(jq -r .cluster <<< "$input")"',
          'echo "Migration task: $task"',
          'aws ecs wait tasks-stopped --cluster "$cluster" --tasks "$task"',
          'code="$(aws ecs describe-tasks --cluster "$cluster" --tasks "$task" \\',
          '  --query "tasks[0].containers[?name==\'migrate\'].exitCode | [0]" --output text)"',
          'if [ "$code" != "0" ]; then',
          '  echo "::error::The migration task exited with ${code}; the service keeps the previous image. Logs: stream prefix migrate."',
          '  exit 1',
          'fi',
        ].join('\n'),
      },
      {
        // The service runs the image tagged with the deployed commit: changing the tag rolls it,
        // and CloudFormation waits until the new tasks are healthy.
        name: 'cdk deploy (rolls the service)',
        run: [
          FIND_STAGE_TEMPLATE,
          // Scoped to the app stack: cdk deploy also deploys its us-east-1 companion, which has no such parameters.
          `parameters=(--parameters "\${STACK}:${IMAGE_TAG_PARAMETER}=\${GITHUB_SHA}")`,
          `if jq -e '.Parameters.${MIGRATION_IMAGE_TAG_PARAMETER}' "$template" > /dev/null; then`,
          `  parameters+=(--parameters "\${STACK}:${MIGRATION_IMAGE_TAG_PARAMETER}=\${GITHUB_SHA}")`,
          'fi',
          `npx cdk deploy --app cdk.out "\${STAGE}/${APP_STACK_ID}" --require-approval never --no-color "\${parameters[@]}" \\`,
          '  --outputs-file cdk-outputs.json',
        ].join('\n'),
      },
      {
        name: 'Stack outputs',
        if: 'always()',
        run: [
          'test -f cdk-outputs.json || exit 0',
          '{',
          '  echo "### Outputs of \\`$STACK\\` (commit ${GITHUB_SHA:0:7})"',
          '  echo',
          '  echo "| Output | Value |"',
          '  echo "| --- | --- |"',
          '  jq -r --arg stack "$STACK" \'.[$stack] // {} | to_entries[] | "| \\(.key) | `\\(.value)` |"\' cdk-outputs.json',
          '} >> "$GITHUB_STEP_SUMMARY"',
        ].join('\n'),
      },
    ],
  };
}
