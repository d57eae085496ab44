import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StackConfig } from './stack-config.js';

export interface RdsIamStackProps extends StackProps {
  /** The configuration rendered from .projenrc.ts. */
  readonly config: StackConfig;
}

/** The zero-secret MySQL deployment, built from the configuration in `src/stack-config.ts`. */
export class RdsIamStack extends Stack {
  constructor(scope: Construct, id: string, props: RdsIamStackProps) {
    super(scope, id, props);
  }
}
