import type { github } from 'projen';
import type { StepKit } from './kit.js';
import { refreshBaseImageDigestsStep } from '../base-image-pins.js';

/**
 * projen's upgrade workflow: checkouts without a kept token, its package-manager set-up replaced
 * by ours (every action pinned), scripts without expressions, one run at a time. Steps are found
 * by their ids: their positions depend on the package manager.
 */
export function hardenUpgradeWorkflow(gh: github.GitHub, kit: StepKit): void {
  const upgrade = gh.tryFindWorkflow('upgrade');
  if (!upgrade) throw new Error("projen's upgrade workflow is missing (depsUpgrade is part of pipelineProjectOptions)");
  const runs: Record<string, string> = {
    // The same steps as projen's: the output file quoted (shellcheck SC2086), the patch path
    // through the environment instead of an expression.
    create_patch: 'git add .\ngit diff --staged --patch --exit-code > repo.patch || echo "patch_created=true" >> "$GITHUB_OUTPUT"',
    apply_patch: '[ -s "$RUNNER_TEMP/repo.patch" ] && git apply "$RUNNER_TEMP/repo.patch" || echo "Empty patch. Skipping."',
  };
  for (const id of ['upgrade', 'pr']) {
    const job = upgrade.getJob(id) as github.workflows.Job;
    const steps = job.steps.flatMap((step): github.workflows.JobStep[] => {
      // create-pull-request pushes with its own token input; neither checkout needs to keep one.
      if (step.id === 'checkout') return [{ ...step, with: { ...step.with, 'persist-credentials': false } }];
      if (step.id === 'setup_pnpm' || step.id === 'setup_bun') return kit.packageManagerSetup().map((setup) => ({ ...setup, id: step.id }));
      // The base image moves with the dependencies, in the same pull request.
      if (step.id === 'create_patch') return [refreshBaseImageDigestsStep(), { ...step, run: runs[step.id] }];
      if (step.id && runs[step.id]) return [{ ...step, run: runs[step.id] }];
      return [step];
    });
    upgrade.updateJob(id, { ...job, steps });
  }
  upgrade.file?.addOverride('concurrency', { 'group': '${{ github.workflow }}', 'cancel-in-progress': false });
}
