/** CloudFormation stack names allow letters, digits and hyphens: `@acme/orders.db` becomes `orders-db`. */
export function stackNameOf(projectName: string): string {
  return projectName.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9-]/g, '-');
}

/**
 * The app's ECR repository, e.g. `orders-db/app`: ECR names are lower-case, without repeated or
 * trailing separators. The generated `src/naming.ts` (owned) derives the same name for the stack.
 */
export function imageRepositoryOf(stackName: string): string {
  return `${stackName.toLowerCase().replace(/-+/g, '-').replace(/-$/, '')}/app`;
}
