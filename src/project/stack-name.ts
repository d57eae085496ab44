/** CloudFormation stack names allow letters, digits and hyphens: `@acme/orders.db` becomes `orders-db`. */
export function stackNameOf(projectName: string): string {
  return projectName.replace(/^@[^/]+\//, '').replace(/[^A-Za-z0-9-]/g, '-');
}
