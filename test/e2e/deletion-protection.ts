interface CfnTemplate {
  readonly Resources?: Record<string, { readonly Type: string; readonly Properties?: unknown }>;
}

/**
 * The resources of a synthesized template that CloudFormation could not delete as they are: any
 * property named like deletion protection that is on (`DeletionProtection: true`, DynamoDB's
 * `DeletionProtectionEnabled`, Cognito's `ACTIVE`), or a `deletion_protection.enabled` attribute
 * (load balancers), however deep. As `Type LogicalId`.
 */
export function deletionProtectedResources(template: CfnTemplate): string[] {
  return Object.entries(template.Resources ?? {})
    .filter(([, resource]) => isProtected(resource.Properties))
    .map(([logicalId, resource]) => `${resource.Type} ${logicalId}`)
    .sort();
}

function isProtected(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isProtected);
  if (value === null || typeof value !== 'object') return false;
  const entries = Object.entries(value as Record<string, unknown>);
  const named = (key: string) => /deletion.?protection/i.test(key);
  const on = (setting: unknown) => setting === true || setting === 'true' || setting === 'ACTIVE';
  const record = value as { Key?: unknown; Value?: unknown };
  if (typeof record.Key === 'string' && named(record.Key) && on(record.Value)) return true;
  return entries.some(([key, setting]) => (named(key) && on(setting)) || isProtected(setting));
}
