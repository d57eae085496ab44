import { github } from '../projen-modules.js';
import { accountGuard, APP_STACK_ID, awsCredentials, EDGE_STACK_ID, BRANCH, expectedAccount, OIDC_PERMISSIONS, RUNNER, stageJobId, stageVariables, type StepKit, variable } from './kit.js';
import type { ResolvedStage } from '../../answers/index.js';

/** The CDK context value under which a stage's stack has no deletion protection (templates/src/main.ts). */
export const DELETION_PROTECTION_OFF = 'deletionProtection=false';

/**
 * `destroy.yml` (manual): refuses unless a stage's stack name is typed and the run is from main;
 * then only that stage's job runs, in that stage's protected environment with its deploy role.
 */
export function renderDestroy(gh: github.GitHub, kit: StepKit, stages: readonly ResolvedStage[]): void {
  const wf = new github.GithubWorkflow(gh, 'destroy', {
    limitConcurrency: true,
    // Never at the same time as a deployment.
    concurrencyOptions: { group: 'deploy', cancelInProgress: false },
  });
  const names = stages.map((stage) => stage.stackName);
  wf.on({
    workflowDispatch: {
      inputs: {
        // projen renders input names in snake_case.
        stack_name: {
          description: `Type the stack name of the stage to destroy (${names.join(', ')})`,
          required: true,
          type: 'string',
        },
      },
    },
  });
  wf.addJobs({
    confirm: {
      name: "Refuse unless a stage's stack name was typed",
      runsOn: RUNNER,
      permissions: {},
      timeoutMinutes: 5,
      steps: [
        {
          name: 'Compare the typed name',
          // Through env only: the input never becomes part of the script.
          env: { TYPED: '${{ inputs.stack_name }}', STACKS: names.join(' ') },
          run: [
            'case " $STACKS " in',
            '  *" $TYPED "*) ;;',
            '  *) echo "::error::Refusing to destroy: the typed name is none of the stages\' stack names."; exit 1 ;;',
            'esac',
            `if [ "$GITHUB_REF" != "refs/heads/${BRANCH}" ]; then`,
            `  echo "::error::Refusing to destroy from a ref other than ${BRANCH}."`,
            '  exit 1',
            'fi',
          ].join('\n'),
        },
      ],
    },
    ...Object.fromEntries(stages.map((stage) => [stageJobId('destroy', stage), destroyJob(kit, stage)])),
  });
}

function destroyJob(kit: StepKit, stage: ResolvedStage): github.workflows.Job {
  return {
    name: `Destroy ${stage.stackName}`,
    needs: ['confirm'],
    if: `inputs.stack_name == '${stage.stackName}'`,
    runsOn: RUNNER,
    // The stage's protected environment, as for deploys: its reviewers approve the destroy too.
    environment: stage.name,
    permissions: OIDC_PERMISSIONS,
    timeoutMinutes: 90,
    env: { STAGE: stage.name, STACK: stage.stackName, AWS_ACCOUNT_ID: expectedAccount(stage) },
    steps: [
      ...kit.setupSteps(),
      awsCredentials(variable(stageVariables(stage).deployRole), stage.region, `destroy-${stage.name}`),
      accountGuard(),
      {
        // CloudFormation cannot delete a deletion-protected resource (the database, the load
        // balancer): the stack turns protection off under this context value (src/main.ts), so
        // deploy that first. Parameters keep their previous values.
        name: 'Turn off deletion protection',
        run: `npx cdk deploy "\${STAGE}/${APP_STACK_ID}" --context ${DELETION_PROTECTION_OFF} --require-approval never --no-color`,
      },
      {
        // The database leaves a final snapshot; the data key, logs and image repository are retained.
        name: 'cdk destroy',
        run: `npx cdk destroy "\${STAGE}/${APP_STACK_ID}" --context ${DELETION_PROTECTION_OFF} --force --no-color`,
      },
      {
        // Then its us-east-1 companion (web ACL, viewer certificate), which only the app stack used;
        // its log groups and CloudFront's log bucket are retained.
        name: 'cdk destroy the us-east-1 companion',
        run: `npx cdk destroy "\${STAGE}/${EDGE_STACK_ID}" --context ${DELETION_PROTECTION_OFF} --force --no-color`,
      },
    ],
  };
}
