import { Component, github, type Project } from 'projen';
import { finishRendering } from '../src/project/pipeline-workflows.js';

/** Why each job of the release workflow holds its permission (zizmor asks for the reason). */
const RELEASE_PERMISSION_REASONS = {
  'contents: read': 'read the repository',
  'contents: write': 'create the GitHub release and its tag',
  'id-token: write': 'OIDC token for npm trusted publishing and the provenance statement',
};

/**
 * The same steps as projen's, with quoted variables (shellcheck SC2086) and an if/else instead of
 * `A && B || C` (SC2015), found by their ids.
 */
const SCRIPTS: Record<string, Record<string, string>> = {
  release: {
    check_tag_exists: [
      'tag="$(cat dist/releasetag.txt)"',
      'if [ -n "$tag" ] && git ls-remote -q --exit-code --tags origin "$tag"; then',
      '  echo "exists=true" >> "$GITHUB_OUTPUT"',
      'else',
      '  echo "exists=false" >> "$GITHUB_OUTPUT"',
      'fi',
      'cat "$GITHUB_OUTPUT"',
    ].join('\n'),
    git_remote: ['echo "latest_commit=$(git ls-remote origin -h "$GITHUB_REF" | cut -f1)" >> "$GITHUB_OUTPUT"', 'cat "$GITHUB_OUTPUT"'].join('\n'),
  },
  release_github: {
    release: [
      'tag="$(cat "$RELEASE_TAG_FILE")"',
      'if ! gh release view "$tag" -R "$GITHUB_REPOSITORY" > /dev/null 2>&1; then',
      '  gh release create "$tag" -R "$GITHUB_REPOSITORY" -F "$CHANGELOG_FILE" -t "$tag" --target "$GITHUB_SHA"',
      'fi',
    ].join('\n'),
  },
};

/**
 * projen's release workflow (versions from conventional commits, CHANGELOG, GitHub release, npm
 * with trusted publishing), hardened like the generated projects' workflows: the release job only
 * reads (the tag is created through the API by the GitHub-release job) and its checkout keeps no
 * token, shell scripts pass shellcheck, every action pinned with its version in a comment. Create it
 * after the project: projen adds the publishing jobs just before synthesis, and this runs after.
 */
export class ReleaseWorkflowHardening extends Component {
  private readonly workflow: github.GithubWorkflow;

  constructor(project: Project, gh: github.GitHub) {
    super(project);
    const release = gh.tryFindWorkflow('release');
    if (!release) throw new Error("projen's release workflow is missing (release: true in .projenrc.ts)");
    this.workflow = release;
    finishRendering(release, RELEASE_PERMISSION_REASONS);
  }

  override preSynthesize(): void {
    for (const [jobId, scripts] of Object.entries(SCRIPTS)) {
      const job = this.workflow.getJob(jobId) as github.workflows.Job | undefined;
      if (!job) throw new Error(`projen's release workflow has no job ${jobId}`);
      const steps = job.steps.map((step): github.workflows.JobStep => {
        if (step.id === 'checkout') return { ...step, with: { ...step.with, 'persist-credentials': false } };
        if (step.id && scripts[step.id]) return { ...step, run: scripts[step.id] };
        return step;
      });
      const permissions = jobId === 'release' ? { contents: github.workflows.JobPermission.READ } : job.permissions;
      this.workflow.updateJob(jobId, { ...job, permissions, steps });
    }
  }
}
