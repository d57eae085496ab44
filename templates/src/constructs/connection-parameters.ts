import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

/** The non-secret settings a client needs to connect through RDS Proxy with an IAM token. */
export interface ConnectionSettings {
  /** RDS Proxy endpoint host name (the token is signed for this host). */
  readonly host: string;
  /** RDS Proxy port. */
  readonly port: number;
  /** Application database. */
  readonly databaseName: string;
  /** Region the token is signed for. */
  readonly region: string;
  /** Database user the app connects as. */
  readonly user: string;
}

/** The same settings as container environment variables (app/src/config.ts reads these names). */
export function connectionEnvironment(settings: ConnectionSettings): Record<string, string> {
  return {
    DB_HOST: settings.host,
    DB_PORT: String(settings.port),
    DB_NAME: settings.databaseName,
    DB_USER: settings.user,
    DB_REGION: settings.region,
  };
}

export interface ConnectionParametersProps {
  /** Parameter path prefix, e.g. `/my-stack/database`. */
  readonly prefix: string;
  /** The values to publish. None of them is a secret: authentication is by short-lived IAM token. */
  readonly settings: ConnectionSettings;
}

/**
 * Publishes the connection settings as SSM String parameters (for tools and other stacks; the app
 * gets the same values as environment variables) and as stack outputs (read by people and CI). Deliberately no password, secret ARN or token anywhere.
 */
export class ConnectionParameters extends Construct {
  /** The parameters by setting name. */
  public readonly parameters: Readonly<Record<keyof ConnectionSettings, ssm.StringParameter>>;

  constructor(scope: Construct, id: string, props: ConnectionParametersProps) {
    super(scope, id);
    const { settings } = props;
    // [setting, parameter name, output name, value, description]
    const entries: [keyof ConnectionSettings, string, string, string, string][] = [
      ['host', 'proxy-endpoint', 'DatabaseProxyEndpoint', settings.host, 'RDS Proxy endpoint host'],
      ['port', 'port', 'DatabasePort', String(settings.port), 'RDS Proxy port'],
      ['databaseName', 'name', 'DatabaseName', settings.databaseName, 'Application database name'],
      ['region', 'region', 'DatabaseRegion', settings.region, 'Region for IAM auth token signing'],
      ['user', 'app-user', 'DatabaseAppUser', settings.user, 'Database user of the app (IAM authentication, no password)'],
    ];
    const parameters = {} as Record<keyof ConnectionSettings, ssm.StringParameter>;
    for (const [key, name, outputName, value, description] of entries) {
      parameters[key] = new ssm.StringParameter(this, `Param-${name}`, {
        parameterName: `${props.prefix}/${name}`,
        stringValue: value,
        description,
        tier: ssm.ParameterTier.STANDARD,
      });
      // Stable, readable output keys instead of hashed logical IDs.
      new CfnOutput(this, `Output-${name}`, { value, description }).overrideLogicalId(outputName);
    }
    this.parameters = parameters;
  }

  /**
   * Lets `grantee` read exactly these parameters. (StringParameter.grantRead also grants
   * ssm:DescribeParameters on the parameter ARNs, which never applies: that action has no
   * resource-level permissions. Nothing here needs it.)
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['ssm:GetParameter', 'ssm:GetParameters', 'ssm:GetParameterHistory'],
      resourceArns: Object.values(this.parameters).map((parameter) => parameter.parameterArn),
    });
  }
}
