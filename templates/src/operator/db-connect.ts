/**
 * `npx projen db:connect --stage prod --user reporting [--instance] [--local-port 13306] [--print]`:
 * an operator's IAM-authenticated, TLS-verified MySQL session without a password, an EC2 instance or
 * an inbound port.
 *
 * 1. reads the stage's stack outputs (the operator role, its users, the proxy and instance endpoints);
 * 2. finds a running task of the stage's service and opens an SSM port-forwarding session through
 *    ECS Exec on it (`AWS-StartPortForwardingSessionToRemoteHost`) to RDS Proxy, or with `--instance`
 *    to the DB instance (DDL that the proxy would pin to one connection);
 * 3. signs an IAM token for the real host name and port with the caller's credentials;
 * 4. starts the `mysql` client on the local end of the tunnel, TLS verified against the RDS CA bundle.
 *
 * What TLS verifies through a loopback tunnel: the client connects to 127.0.0.1, a name the RDS
 * certificate cannot carry, so the host name is not checked; the certificate chain is (MySQL client:
 * `--ssl-mode=VERIFY_CA`; MariaDB client: `--ssl-ca` without `--ssl-verify-server-cert`, which rejects
 * an untrusted chain). That is still sound: only a server holding a certificate issued by the RDS
 * certificate authorities completes the handshake, so the token never reaches anything else; the
 * tunnel itself runs over Session Manager's own authenticated TLS to the task, and from the task the
 * stream goes only where this command told it (the proxy or instance host resolved inside the VPC).
 * An IAM token is also bound to the host name and port it was signed for.
 *
 * Every side effect (the AWS CLI, the signer, the tunnel, the client) is a dependency, so the logic
 * is tested with them stubbed (test/operator/db-connect.test.ts) and end to end against MariaDB.
 */
import { parseArgs } from 'node:util';
import type { StackConfig } from '../stack-config.js';
import { PORT_FORWARDING_DOCUMENT } from './port-forwarding.js';
/** The container of the service's task definition (service.ts) the session targets. */
const APP_CONTAINER = 'app';
const DEFAULT_LOCAL_PORT = 13306;

export interface DbConnectArgs {
  readonly stage: string;
  /** One of the stage's operator users (the stack output `OperatorDatabaseUsers`); default: the first. */
  readonly user?: string;
  /** Tunnel to the DB instance instead of RDS Proxy. */
  readonly instance: boolean;
  readonly localPort: number;
  /** Only print the commands (no client is started). */
  readonly print: boolean;
}

/** A failure the operator can act on: the message says what is wrong and what to do. */
export class DbConnectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DbConnectError';
  }
}

/** An AWS CLI call that failed: its error code (e.g. `AccessDenied`) and message, from stderr. */
export class AwsCliError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'AwsCliError';
  }
}

/** The MySQL command-line client found on PATH, if any. */
export type MysqlClient = { readonly program: string; readonly flavour: 'mysql' | 'mariadb' } | undefined;

export interface DbConnectDependencies {
  /** Whether a program is on PATH (`aws`, `session-manager-plugin`). */
  hasProgram(program: string): Promise<boolean>;
  /** The MySQL client on PATH and its flavour, if one is installed. */
  findMysqlClient(): Promise<MysqlClient>;
  /** Runs `aws <args> --output json` and returns the parsed output; throws AwsCliError. */
  aws(args: readonly string[]): Promise<unknown>;
  /** Signs an IAM database token (@aws-sdk/rds-signer) with the caller's credentials. */
  signToken(request: { hostname: string; port: number; username: string; region: string }): Promise<string>;
  /** Starts `aws <args>` (the SSM session) and resolves once the local port accepts connections. */
  openTunnel(args: readonly string[], localPort: number): Promise<{ close(): Promise<void> }>;
  /** Writes the RDS CA bundle to a file only the caller can read and returns its path. */
  /**
   * Writes the RDS CA bundle and returns its path: in a private directory removed on exit, or, for
   * printed commands run later (`lasting`), in the project's own `node_modules/.cache`.
   */
  caBundlePath(options: { lasting: boolean }): Promise<string>;
  /** Runs the client with the token in a private option file; resolves with its exit code. */
  runClient(client: NonNullable<MysqlClient>, args: readonly string[], token: string): Promise<number>;
  log(line: string): void;
}

export function parseDbConnectArgs(argv: readonly string[]): DbConnectArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      'stage': { type: 'string' },
      'user': { type: 'string' },
      'instance': { type: 'boolean', default: false },
      'local-port': { type: 'string' },
      'print': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (!values.stage) throw new DbConnectError('--stage is required, e.g. npx projen db:connect --stage prod --user reporting');
  const localPort = values['local-port'] === undefined ? DEFAULT_LOCAL_PORT : Number(values['local-port']);
  if (!Number.isInteger(localPort) || localPort < 1024 || localPort > 65535) {
    throw new DbConnectError(`--local-port ${JSON.stringify(values['local-port'])}: must be a whole number from 1024 to 65535`);
  }
  return { stage: values.stage, user: values.user, instance: values.instance ?? false, localPort, print: values.print ?? false };
}

interface StageEndpoints {
  readonly stackName: string;
  readonly region: string;
  readonly users: readonly string[];
  readonly cluster: string;
  readonly service: string;
  readonly proxy: { readonly host: string; readonly port: number };
  readonly instance: { readonly host: string; readonly port: number };
  readonly databaseName: string;
}

/** Runs db:connect; resolves with the process exit code. */
export async function dbConnect(config: StackConfig, args: DbConnectArgs, deps: DbConnectDependencies): Promise<number> {
  const stage = config.stages.find((s) => s.name === args.stage);
  if (!stage) throw new DbConnectError(`--stage ${args.stage}: not a stage of this project (${config.stages.map((s) => s.name).join(', ')})`);
  if ((config.operators ?? []).length === 0) {
    throw new DbConnectError('No operators are configured: add their IAM role ARNs as `operators` in .projenrc.ts, run npx projen and deploy.');
  }
  if (!(await deps.hasProgram('aws'))) {
    throw new DbConnectError('The AWS CLI (v2) is not installed: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html');
  }
  if (!(await deps.hasProgram('session-manager-plugin'))) {
    throw new DbConnectError(
      'The Session Manager plugin for the AWS CLI is not installed: ' +
        'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html',
    );
  }

  const endpoints = await readStage(stage.stackName, stage.region, deps);
  const user = args.user ?? endpoints.users[0]!;
  if (!endpoints.users.includes(user)) {
    throw new DbConnectError(`--user ${user}: operators may connect as ${endpoints.users.join(', ')} only (the admin and read-only users)`);
  }
  const target = await runningTaskTarget(endpoints, deps);
  const { host, port } = args.instance ? endpoints.instance : endpoints.proxy;
  const tunnel = [
    'ssm', 'start-session', '--region', endpoints.region, '--target', target,
    '--document-name', PORT_FORWARDING_DOCUMENT,
    '--parameters', JSON.stringify({ host: [host], portNumber: [String(port)], localPortNumber: [String(args.localPort)] }),
  ];
  const client = await deps.findMysqlClient();
  const printOnly = args.print || !client;
  const caPath = await deps.caBundlePath({ lasting: printOnly });
  const clientArgs = mysqlClientArgs(client?.flavour ?? 'mysql', { localPort: args.localPort, user, database: endpoints.databaseName, caPath });

  if (printOnly) {
    if (!client) deps.log('No mysql client on PATH: run these yourself (MySQL client 8.0 or later, or MariaDB\'s).');
    deps.log(`aws ${tunnel.map(shellQuote).join(' ')}`);
    deps.log('# then, in a second bash or zsh (the token is valid for 15 minutes; it reaches the client as an option file, never in its arguments or environment):');
    const signToken = `aws rds generate-db-auth-token --region ${endpoints.region} --hostname ${host} --port ${port} --username ${user}`;
    deps.log(
      `${client?.program ?? 'mysql'} --defaults-extra-file=<(printf '[client]\\npassword="%s"\\n' "$(${signToken})") ${clientArgs.map(shellQuote).join(' ')}`,
    );
    return 0;
  }

  deps.log(`Tunnel to ${args.instance ? 'the DB instance' : 'RDS Proxy'} ${host}:${port} through task ${target} (local port ${args.localPort})`);
  const session = await deps.openTunnel(tunnel, args.localPort);
  try {
    // Signed for the real endpoint: the token names the host and port the server sits behind.
    const token = await deps.signToken({ hostname: host, port, username: user, region: endpoints.region });
    deps.log(`Connecting as ${user} to ${endpoints.databaseName} (TLS: the RDS certificate chain is verified; the host name cannot be, through a loopback tunnel)`);
    return await deps.runClient(client, clientArgs, token);
  } finally {
    await session.close();
  }
}

/** Client options: TLS with the chain verified against the RDS CA bundle, IAM tokens as cleartext passwords (over that TLS). */
export function mysqlClientArgs(
  flavour: 'mysql' | 'mariadb',
  { localPort, user, database, caPath }: { localPort: number; user: string; database: string; caPath: string },
): string[] {
  const common = ['--protocol=TCP', '--host=127.0.0.1', `--port=${localPort}`, `--user=${user}`, `--database=${database}`, `--ssl-ca=${caPath}`];
  // MySQL: VERIFY_CA checks the chain, not the name. MariaDB: --ssl-ca without --ssl-verify-server-cert does the same.
  return flavour === 'mysql' ? [...common, '--ssl-mode=VERIFY_CA', '--enable-cleartext-plugin'] : common;
}

async function readStage(stackName: string, region: string, deps: DbConnectDependencies): Promise<StageEndpoints> {
  let described: unknown;
  try {
    described = await deps.aws(['cloudformation', 'describe-stacks', '--region', region, '--stack-name', stackName]);
  } catch (error) {
    throw explainAwsError(error, `read the outputs of ${stackName} in ${region}`);
  }
  const outputs = Object.fromEntries(
    ((described as { Stacks?: { Outputs?: { OutputKey: string; OutputValue: string }[] }[] }).Stacks?.[0]?.Outputs ?? [])
      .map((o) => [o.OutputKey, o.OutputValue]),
  );
  const need = (key: string): string => {
    const value = outputs[key];
    if (!value) {
      throw new DbConnectError(
        `${stackName} has no output ${key}: deploy the stage with operators configured (.projenrc.ts operators) before connecting.`,
      );
    }
    return value;
  };
  return {
    stackName,
    region,
    users: need('OperatorDatabaseUsers').split(','),
    cluster: need('EcsClusterName'),
    service: need('EcsServiceName'),
    proxy: { host: need('DatabaseProxyEndpoint'), port: Number(need('DatabasePort')) },
    instance: { host: need('DatabaseInstanceEndpoint'), port: Number(need('DatabaseInstancePort')) },
    databaseName: need('DatabaseName'),
  };
}

/** `ecs:<cluster>_<task id>_<runtime id of the app container>` of a running task with ECS Exec's agent up. */
async function runningTaskTarget(stage: StageEndpoints, deps: DbConnectDependencies): Promise<string> {
  let listed: unknown;
  let described: unknown;
  try {
    listed = await deps.aws(['ecs', 'list-tasks', '--region', stage.region, '--cluster', stage.cluster, '--service-name', stage.service, '--desired-status', 'RUNNING']);
    const arns = (listed as { taskArns?: string[] }).taskArns ?? [];
    if (arns.length === 0) throw noRunningTask(stage);
    described = await deps.aws(['ecs', 'describe-tasks', '--region', stage.region, '--cluster', stage.cluster, '--tasks', ...arns]);
  } catch (error) {
    if (error instanceof DbConnectError) throw error;
    throw explainAwsError(error, `find a running task of ${stage.service}`);
  }
  interface Task {
    taskArn: string;
    lastStatus: string;
    enableExecuteCommand?: boolean;
    containers?: { name: string; runtimeId?: string; managedAgents?: { name: string; lastStatus: string }[] }[];
  }
  for (const task of (described as { tasks?: Task[] }).tasks ?? []) {
    const container = task.containers?.find((c) => c.name === APP_CONTAINER);
    const agent = container?.managedAgents?.find((a) => a.name === 'ExecuteCommandAgent');
    if (task.lastStatus === 'RUNNING' && task.enableExecuteCommand && container?.runtimeId && agent?.lastStatus === 'RUNNING') {
      const taskId = task.taskArn.split('/').pop()!;
      return `ecs:${stage.cluster}_${taskId}_${container.runtimeId}`;
    }
  }
  throw new DbConnectError(
    `No task of ${stage.service} has ECS Exec's agent running yet: tasks started before operators were configured lack it; ` +
      `roll the service (aws ecs update-service --region ${stage.region} --cluster ${stage.cluster} --service ${stage.service} --force-new-deployment) and retry.`,
  );
}

function noRunningTask(stage: StageEndpoints): DbConnectError {
  return new DbConnectError(
    `No running task in ${stage.cluster} (service ${stage.service}): the tunnel needs one. ` +
      'Until the pipeline deploys the first image the service runs 0 tasks.',
  );
}

/** Turns an AWS CLI failure into what the operator should do. */
function explainAwsError(error: unknown, action: string): Error {
  if (!(error instanceof AwsCliError)) return error as Error;
  if (/AccessDenied|UnauthorizedOperation|not authorized/i.test(`${error.code} ${error.message}`)) {
    return new DbConnectError(
      `Not allowed to ${action} (${error.code}): use credentials of the stage's operator role (stack output OperatorRoleArn), ` +
        'e.g. an AWS CLI profile with role_arn = <OperatorRoleArn> and AWS_PROFILE set to it. Only the principals in .projenrc.ts operators may assume it.',
    );
  }
  if (/ExpiredToken|InvalidClientTokenId|Unable to locate credentials|SSO session/i.test(`${error.code} ${error.message}`)) {
    return new DbConnectError(`No valid AWS credentials to ${action}: ${error.message.trim()} (log in again, e.g. aws sso login).`);
  }
  return new DbConnectError(`Could not ${action}: ${error.code}: ${error.message.trim()}`);
}

function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, '\'\\\'\'')}'`;
}
