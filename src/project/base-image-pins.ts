import type { github } from 'projen';

/** The service's Dockerfile, whose `FROM` lines pin base images by digest (owned: templates/app/Dockerfile). */
export const SERVICE_DOCKERFILE = 'app/Dockerfile';

/**
 * A step of the weekly upgrade job: every `FROM image:tag@sha256:…` line of the service's
 * Dockerfile gets the digest the tag points at now, so the pull request that bumps the
 * dependencies also moves the base image (its security fixes) while builds stay reproducible.
 * Lines without a digest are left alone. The standard runners carry Docker Buildx and jq.
 */
export function refreshBaseImageDigestsStep(): github.workflows.JobStep {
  return {
    id: 'refresh_base_images',
    name: 'Refresh base image digests',
    env: { DOCKERFILE: SERVICE_DOCKERFILE },
    run: [
      'set -euo pipefail',
      'sed -nE \'s/^FROM ([^ @]+)@sha256:[0-9a-f]{64}.*/\\1/p\' "$DOCKERFILE" | sort -u | while read -r image; do',
      '  digest=$(docker buildx imagetools inspect "$image" --format \'{{json .Manifest}}\' | jq -r .digest)',
      '  [[ "$digest" =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "no digest for $image: $digest" >&2; exit 1; }',
      '  sed -E -i "s#^FROM ${image}@sha256:[0-9a-f]{64}#FROM ${image}@${digest}#" "$DOCKERFILE"',
      'done',
    ].join('\n'),
  };
}
