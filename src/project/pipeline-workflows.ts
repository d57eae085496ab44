import { type awscdk, Component, javascript } from './projen-modules.js';
import { stackNameOf } from './stack-name.js';
import { stagesOf, type StackAnswers } from '../answers/index.js';
import { finishRendering, pinActions } from './workflows/actions.js';
import { renderDeploy } from './workflows/deploy.js';
import { renderDestroy } from './workflows/destroy.js';
import { StepKit } from './workflows/kit.js';
import { renderPullRequest } from './workflows/pull-request.js';
import { hardenUpgradeWorkflow } from './workflows/upgrade.js';

export { finishRendering, PINNED_ACTIONS, pinned, type PinnedAction } from './workflows/actions.js';
export { DELETION_PROTECTION_OFF } from './workflows/destroy.js';
export { DIFF_COMMENT_MARKER } from './workflows/pull-request.js';

/**
 * The generated repository's GitHub Actions pipeline, rendered (managed) by the project type, one
 * module per workflow in `workflows/`:
 *
 * - `pull-request.yml`: tests, synth with cdk-nag, checkov, the image scan, and `cdk diff` against
 *   every stage through its read-only role, in one pull-request comment.
 * - `deploy.yml` (push to main): synth and image build once, then the stages in promotion order,
 *   each in its GitHub environment with its own role, the same image digest in each registry.
 * - `destroy.yml` (manual): one stage, chosen by typing its stack name, in its protected environment.
 * - `upgrade.yml`: projen's weekly dependency upgrade (this package included), as a pull request.
 *
 * Hardening that every workflow shares: `permissions: {}` at the top and the least per job, actions
 * pinned by SHA with the version in a comment, no `${{ }}` expression inside a `run:` script (values
 * reach scripts through `env:`), checkouts that do not keep the token.
 */
export class PipelineWorkflows extends Component {
  constructor(app: awscdk.AwsCdkTypeScriptApp, answers: StackAnswers) {
    super(app);
    const gh = app.github;
    if (!gh) throw new Error('PipelineWorkflows needs the project to have GitHub enabled');
    const kit = new StepKit(app);
    const stages = stagesOf(answers);
    const deploys = answers.githubRepository !== undefined;

    pinActions(gh);

    // Without a repository there is no OIDC trust: the pull-request checks only, no AWS access.
    renderPullRequest(gh, kit, stackNameOf(answers.name), stages, deploys);
    if (deploys) {
      renderDeploy(gh, kit, stages);
      renderDestroy(gh, kit, stages);
    }
    hardenUpgradeWorkflow(gh, kit);

    for (const workflow of gh.workflows) finishRendering(workflow);
  }
}

/** Settings the project type passes to projen so that the pipeline above replaces projen's defaults. */
export function pipelineProjectOptions() {
  return {
    // The pull-request workflow replaces projen's build workflow (whose self-mutation job would push
    // with a stored token) and its pull_request_target title lint.
    buildWorkflow: false,
    githubOptions: { mergify: false, pullRequestLint: false },
    depsUpgrade: true,
    depsUpgradeOptions: {
      workflowOptions: { schedule: javascript.UpgradeDependenciesSchedule.WEEKLY, labels: ['dependencies'] },
    },
  } satisfies Partial<awscdk.AwsCdkTypeScriptAppOptions>;
}
