/** db:connect's logic with every AWS call, the tunnel and the client stubbed. */
import { describe, expect, test } from '@jest/globals';
import {
  AwsCliError, dbConnect, DbConnectError, mysqlClientArgs, parseDbConnectArgs,
  type DbConnectArgs, type DbConnectDependencies, type MysqlClient,
} from '../../src/operator/db-connect.js';
import { variants } from '../support/configs.js';

const config = variants.threeAzMixed; // stage prod: orders-db-prod in eu-central-1, operators configured
const PROXY = 'orders-db-proxy.proxy-abc.eu-central-1.rds.amazonaws.com';
const INSTANCE = 'orders-db.abc.eu-central-1.rds.amazonaws.com';
const OUTPUTS: Record<string, string> = {
  OperatorRoleArn: 'arn:aws:iam::123456789012:role/orders-db-prod-OperatorAccessRole',
  OperatorDatabaseUsers: 'reporting,dba',
  EcsClusterName: 'orders-db-prod',
  EcsServiceName: 'orders-db-prod-Service',
  DatabaseProxyEndpoint: PROXY,
  DatabasePort: '3306',
  DatabaseInstanceEndpoint: INSTANCE,
  DatabaseInstancePort: '3307',
  DatabaseName: 'orders',
};
const TASK_ARN = 'arn:aws:ecs:eu-central-1:123456789012:task/orders-db-prod/0123456789abcdef0123456789abcdef';
const runningTask = {
  taskArn: TASK_ARN,
  lastStatus: 'RUNNING',
  enableExecuteCommand: true,
  containers: [{ name: 'app', runtimeId: '0123456789abcdef0123456789abcdef-111', managedAgents: [{ name: 'ExecuteCommandAgent', lastStatus: 'RUNNING' }] }],
};

interface Recorded {
  awsCalls: string[][];
  tunnels: string[][];
  closed: number;
  signed: unknown[];
  clientRuns: { args: readonly string[]; token: string }[];
  logs: string[];
}

function stubs(overrides: Partial<DbConnectDependencies> & { outputs?: Record<string, string>; tasks?: unknown[]; client?: MysqlClient } = {}) {
  const recorded: Recorded = { awsCalls: [], tunnels: [], closed: 0, signed: [], clientRuns: [], logs: [] };
  const { outputs = OUTPUTS, tasks = [runningTask], client: _, ...rest } = overrides;
  // `client: undefined` means "no client installed", not "the default".
  const client: MysqlClient = 'client' in overrides ? overrides.client : { program: 'mysql', flavour: 'mysql' };
  const deps: DbConnectDependencies = {
    hasProgram: async () => true,
    findMysqlClient: async () => client,
    aws: async (args) => {
      recorded.awsCalls.push([...args]);
      if (args[0] === 'cloudformation') return { Stacks: [{ Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) }] };
      if (args[1] === 'list-tasks') return { taskArns: tasks.map((t) => (t as { taskArn: string }).taskArn) };
      if (args[1] === 'describe-tasks') return { tasks };
      throw new Error(`unexpected aws ${args.join(' ')}`);
    },
    signToken: async (request) => {
      recorded.signed.push(request);
      return 'signed-token';
    },
    openTunnel: async (args) => {
      recorded.tunnels.push([...args]);
      return { close: async () => { recorded.closed++; } };
    },
    caBundlePath: async ({ lasting }) => (lasting ? '/lasting/rds-ca-bundle.pem' : '/private/rds-ca-bundle.pem'),
    runClient: async (_client, args, token) => {
      recorded.clientRuns.push({ args, token });
      return 0;
    },
    log: (line) => recorded.logs.push(line),
    ...rest,
  };
  return { deps, recorded };
}

const args = (overrides: Partial<DbConnectArgs> = {}): DbConnectArgs => ({ stage: 'prod', instance: false, localPort: 13306, print: false, ...overrides });

describe('arguments', () => {
  test('--stage is required; the rest has defaults', () => {
    expect(() => parseDbConnectArgs([])).toThrow(/--stage is required/);
    expect(parseDbConnectArgs(['--stage', 'prod'])).toEqual({ stage: 'prod', user: undefined, instance: false, localPort: 13306, print: false });
    expect(parseDbConnectArgs(['--stage', 'prod', '--user', 'dba', '--instance', '--local-port', '23306', '--print'])).toEqual({
      stage: 'prod', user: 'dba', instance: true, localPort: 23306, print: true,
    });
  });
  test.each([['80'], ['70000'], ['x']])('--local-port %s is refused with the rule', (port) => {
    expect(() => parseDbConnectArgs(['--stage', 'prod', '--local-port', port])).toThrow(/--local-port .*1024 to 65535/);
  });
  test('unknown options are refused', () => {
    expect(() => parseDbConnectArgs(['--stage', 'prod', '--password', 'x'])).toThrow(/password/);
  });
});

describe('connecting', () => {
  test('through RDS Proxy: outputs read, a running task targeted, a token signed for the real host, the client on TLS with the chain verified', async () => {
    const { deps, recorded } = stubs();
    await expect(dbConnect(config, args({ user: 'reporting' }), deps)).resolves.toBe(0);
    expect(recorded.awsCalls).toEqual([
      ['cloudformation', 'describe-stacks', '--region', 'eu-central-1', '--stack-name', 'orders-db-prod'],
      ['ecs', 'list-tasks', '--region', 'eu-central-1', '--cluster', 'orders-db-prod', '--service-name', 'orders-db-prod-Service', '--desired-status', 'RUNNING'],
      ['ecs', 'describe-tasks', '--region', 'eu-central-1', '--cluster', 'orders-db-prod', '--tasks', TASK_ARN],
    ]);
    expect(recorded.tunnels).toEqual([[
      'ssm', 'start-session', '--region', 'eu-central-1',
      '--target', 'ecs:orders-db-prod_0123456789abcdef0123456789abcdef_0123456789abcdef0123456789abcdef-111',
      '--document-name', 'AWS-StartPortForwardingSessionToRemoteHost',
      '--parameters', JSON.stringify({ host: [PROXY], portNumber: ['3306'], localPortNumber: ['13306'] }),
    ]]);
    expect(recorded.signed).toEqual([{ hostname: PROXY, port: 3306, username: 'reporting', region: 'eu-central-1' }]);
    expect(recorded.clientRuns).toEqual([{
      token: 'signed-token',
      args: [
        '--protocol=TCP', '--host=127.0.0.1', '--port=13306', '--user=reporting', '--database=orders',
        '--ssl-ca=/private/rds-ca-bundle.pem', '--ssl-mode=VERIFY_CA', '--enable-cleartext-plugin',
      ],
    }]);
    expect(recorded.closed).toBe(1);
    // The token never reaches a log line or an argument.
    expect(JSON.stringify([recorded.logs, recorded.clientRuns.map((r) => r.args), recorded.tunnels])).not.toContain('signed-token');
  });

  test('--instance: the tunnel and the token go to the instance host and port; the default user is the first operator user', async () => {
    const { deps, recorded } = stubs();
    await dbConnect(config, args({ instance: true }), deps);
    expect(JSON.parse(recorded.tunnels[0]!.at(-1)!)).toEqual({ host: [INSTANCE], portNumber: ['3307'], localPortNumber: ['13306'] });
    expect(recorded.signed).toEqual([{ hostname: INSTANCE, port: 3307, username: 'reporting', region: 'eu-central-1' }]);
  });

  test('the client\'s exit code is the command\'s, and the tunnel closes even when signing fails', async () => {
    const failing = stubs({ runClient: async () => 3 });
    await expect(dbConnect(config, args(), failing.deps)).resolves.toBe(3);
    const noToken = stubs({ signToken: async () => { throw new Error('no credentials'); } });
    await expect(dbConnect(config, args(), noToken.deps)).rejects.toThrow('no credentials');
    expect(noToken.recorded.closed).toBe(1);
  });

  test('a MariaDB client verifies the chain with --ssl-ca alone (no host-name check through the loopback tunnel)', () => {
    expect(mysqlClientArgs('mariadb', { localPort: 13306, user: 'dba', database: 'orders', caPath: '/ca.pem' })).toEqual([
      '--protocol=TCP', '--host=127.0.0.1', '--port=13306', '--user=dba', '--database=orders', '--ssl-ca=/ca.pem',
    ]);
  });

  test('without a client (or with --print): the exact commands, nothing started', async () => {
    for (const [stubbed, print] of [[stubs({ client: undefined }), false], [stubs(), true]] as const) {
      const { deps, recorded } = stubbed;
      await expect(dbConnect(config, args({ user: 'dba', print }), deps)).resolves.toBe(0);
      expect(recorded.tunnels).toEqual([]);
      expect(recorded.clientRuns).toEqual([]);
      expect(recorded.signed).toEqual([]);
    }
    const { deps, recorded } = stubs({ client: undefined });
    await dbConnect(config, args({ user: 'dba' }), deps);
    expect(recorded.logs).toEqual([
      expect.stringMatching(/^No mysql client on PATH/),
      `aws ssm start-session --region eu-central-1 --target ecs:orders-db-prod_0123456789abcdef0123456789abcdef_0123456789abcdef0123456789abcdef-111 --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '{"host":["${PROXY}"],"portNumber":["3306"],"localPortNumber":["13306"]}'`,
      expect.stringMatching(/second bash or zsh .* never in its arguments or environment/),
      'mysql --defaults-extra-file=<(printf \'[client]\\npassword="%s"\\n\' ' +
        `"$(aws rds generate-db-auth-token --region eu-central-1 --hostname ${PROXY} --port 3306 --username dba)") ` +
        '--protocol=TCP --host=127.0.0.1 --port=13306 --user=dba --database=orders --ssl-ca=/lasting/rds-ca-bundle.pem --ssl-mode=VERIFY_CA --enable-cleartext-plugin',
    ]);
  });
});

describe('clear errors', () => {
  const failure = async (deps: DbConnectDependencies, overrides: Partial<DbConnectArgs> = {}, cfg = config) => {
    const error = await dbConnect(cfg, args(overrides), deps).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(DbConnectError);
    return (error as Error).message;
  };

  test('unknown stage, no operators configured', async () => {
    expect(await failure(stubs().deps, { stage: 'qa' })).toBe('--stage qa: not a stage of this project (prod)');
    expect(await failure(stubs().deps, {}, { ...config, operators: [] })).toMatch(/No operators are configured.*operators.*\.projenrc\.ts/);
  });

  test('the AWS CLI or the Session Manager plugin is missing: where to get it', async () => {
    expect(await failure(stubs({ hasProgram: async (p) => p !== 'aws' }).deps)).toMatch(/AWS CLI \(v2\) is not installed: https:\/\/docs\.aws\.amazon\.com\/cli\//);
    expect(await failure(stubs({ hasProgram: async (p) => p !== 'session-manager-plugin' }).deps)).toMatch(
      /Session Manager plugin .* is not installed: https:\/\/docs\.aws\.amazon\.com\/systems-manager\/.*install-plugin/,
    );
  });

  test('the caller lacks the role: which role to assume', async () => {
    const denied = stubs({ aws: async () => { throw new AwsCliError('AccessDenied', 'An error occurred (AccessDenied) when calling the DescribeStacks operation: User is not authorized'); } });
    expect(await failure(denied.deps)).toMatch(/Not allowed to read the outputs of orders-db-prod in eu-central-1 \(AccessDenied\): use credentials of the stage's operator role \(stack output OperatorRoleArn\)/);
    const expired = stubs({ aws: async () => { throw new AwsCliError('ExpiredToken', 'An error occurred (ExpiredToken): The security token included in the request is expired'); } });
    expect(await failure(expired.deps)).toMatch(/No valid AWS credentials .*aws sso login/);
  });

  test('a stage deployed without operators, a user operators may not be', async () => {
    const { OperatorDatabaseUsers: _, ...withoutOperators } = OUTPUTS;
    expect(await failure(stubs({ outputs: withoutOperators }).deps)).toMatch(/orders-db-prod has no output OperatorDatabaseUsers: deploy the stage with operators/);
    expect(await failure(stubs().deps, { user: 'orders_app' })).toBe('--user orders_app: operators may connect as reporting, dba only (the admin and read-only users)');
  });

  test('no running task, or none with the ECS Exec agent', async () => {
    expect(await failure(stubs({ tasks: [] }).deps)).toMatch(/No running task in orders-db-prod \(service orders-db-prod-Service\)/);
    const withoutAgent = { ...runningTask, containers: [{ ...runningTask.containers[0]!, managedAgents: [] }] };
    expect(await failure(stubs({ tasks: [withoutAgent] }).deps)).toMatch(/ECS Exec's agent.*--force-new-deployment/);
    expect(await failure(stubs({ tasks: [{ ...runningTask, enableExecuteCommand: false }] }).deps)).toMatch(/ECS Exec's agent/);
  });
});
