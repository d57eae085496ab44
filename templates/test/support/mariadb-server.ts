/**
 * Test harness: a private MariaDB server (Debian's MariaDB 10.11 standing in for MySQL 8.4).
 *
 * Each call starts its OWN mariadbd in a fresh temp data dir on a free loopback port, with TLS from a
 * CA generated at test time (openssl), and an `admin` master account with a random password (like
 * the RDS-managed master user). It never touches a system MariaDB service.
 *
 * Optional PAM mode reproduces the RDS IAM client path (DESIGN.md, "Testing against real parts"):
 * auth_pam with pam_use_cleartext_plugin=ON, so mysql2 does the auth switch to mysql_clear_password
 * exactly like RDS Proxy; a PAM service (pam_exec expose_authtok) runs a script that accepts only
 * tokens shaped like an RDS IAM token for the connecting user. Users for it are created with
 * `IDENTIFIED VIA pam USING '<service>' REQUIRE SSL`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';

const run = promisify(execFile);

export const INSTALL_HINT = 'Install it with: apt-get install -y mariadb-server';

export interface PamModeOptions {
  /** PAM service name; unique per server by default so parallel runs never collide. */
  readonly serviceName?: string;
  /** Where libpam reads service files. Writing there needs root. @default '/etc/pam.d' */
  readonly pamDir?: string;
  /**
   * Shell script run by pam_exec with the token on stdin and PAM_USER in the environment; exit 0 to
   * accept. @default a check for the RDS token shape: `Action=connect`, `DBUser=<PAM_USER>`, a SigV4 signature.
   */
  readonly checkScript?: string;
}

export interface MariaDbServerOptions {
  /** Enable the PAM IAM-token mode. */
  readonly pam?: PamModeOptions | boolean;
  /** Record every statement in the general query log (see `readGeneralLog`). @default false */
  readonly generalLog?: boolean;
  /** @default 30000 */
  readonly startupTimeoutMs?: number;
  /**
   * Names in the server certificate's subjectAltName. Tests of hostname verification pass names
   * that do not include `localhost`. @default ['localhost', '127.0.0.1']
   */
  readonly certificateNames?: readonly string[];
}

export interface MariaDbServer {
  /** Host name clients must use: the server certificate names `localhost` (and 127.0.0.1). */
  readonly host: 'localhost';
  readonly port: number;
  /** PEM of the test CA: the only thing that makes the server certificate verifiable. */
  readonly caPem: string;
  /** Master account (all privileges, like RDS `admin`). */
  readonly adminUser: string;
  readonly adminPassword: string;
  /** Set in PAM mode: the service name for `IDENTIFIED VIA pam USING '<service>'`. */
  readonly pamService?: string;
  readonly baseDir: string;
  /** Runs SQL as the admin over TLS; values are escaped by mysql2. */
  adminQuery<Row = Record<string, unknown>>(sql: string, values?: unknown[]): Promise<Row[]>;
  /** Text of the general query log (empty unless `generalLog` was set). */
  readGeneralLog(): Promise<string>;
  /**
   * Stops mariadbd (SIGTERM, like a database restart or failover) but keeps its data, users and port,
   * so clients see an outage; `resume()` brings it back.
   */
  halt(): Promise<void>;
  /** Starts mariadbd again after `halt()`, on the same port with the same data. */
  resume(): Promise<void>;
  /** Stops the server and removes its data dir and PAM service file. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Shell lines that accept only tokens shaped like an RDS IAM token for the connecting user
 * (`Action=connect`, `DBUser=<PAM_USER>`, a SigV4 signature); each exits 1 on a mismatch. They expect
 * the token in `$token` and are shared with stricter check scripts (e.g. app/test/support/database.ts).
 */
export const TOKEN_SHAPE_CHECKS = `case "$token" in *Action=connect*) ;; *) exit 1 ;; esac
case "$token" in *"DBUser=$PAM_USER&"*|*"DBUser=$PAM_USER") ;; *) exit 1 ;; esac
case "$token" in *X-Amz-Signature=*) ;; *) exit 1 ;; esac`;

/**
 * A PAM check script: reads the token into `$token`, runs `lines` in order (each may `exit 1` to
 * refuse), then accepts.
 */
export function pamCheckScript(...lines: readonly string[]): string {
  return `#!/bin/sh
# pam_exec expose_authtok: the token arrives on stdin (NUL-terminated, at most 511 bytes).
token=$(head -c 1024 | tr -d '\\000')
${lines.join('\n')}
exit 0
`;
}

const DEFAULT_CHECK_SCRIPT = pamCheckScript(TOKEN_SHAPE_CHECKS);

function findBinary(name: string): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin'];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: the tests need MariaDB's server binaries. ${INSTALL_HINT}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Self-signed CA + server certificate for localhost/127.0.0.1, made fresh for every server. */
async function makeCertificates(dir: string, names: readonly string[]): Promise<{ ca: string; cert: string; key: string }> {
  const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  const key = join(dir, 'server-key.pem');
  const csr = join(dir, 'server.csr');
  const cert = join(dir, 'server-cert.pem');
  const ext = join(dir, 'server.ext');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=db-users test CA', '-keyout', caKey, '-out', ca]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${names[0] ?? 'localhost'}`, '-keyout', key, '-out', csr]);
  await writeFile(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`);
  await run('openssl', ['x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-days', '2', '-extfile', ext, '-out', cert]);
  return { ca, cert, key };
}

function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.exitCode === null && child.signalCode === null;
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (!isRunning(child)) return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM (mariadbd shuts down cleanly), SIGKILL if it is still running after 15 s. */
async function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!isRunning(child)) return;
  child.kill('SIGTERM');
  if (!(await waitForExit(child, 15_000))) {
    child.kill('SIGKILL');
    await waitForExit(child, 5_000);
  }
}

export async function startMariaDbServer(options: MariaDbServerOptions = {}): Promise<MariaDbServer> {
  const mariadbd = findBinary('mariadbd');
  const installDb = findBinary('mariadb-install-db');
  const osUser = userInfo().username;
  const baseDir = await mkdtemp(join(tmpdir(), 'db-users-mariadb-'));
  const dataDir = join(baseDir, 'data');
  const socket = join(baseDir, 'mariadb.sock');
  const errorLog = join(baseDir, 'error.log');
  const generalLogFile = join(baseDir, 'general.log');
  const pam = options.pam === true ? {} : options.pam || undefined;
  const pamService = pam ? (pam.serviceName ?? `db-users-test-${randomBytes(4).toString('hex')}`) : undefined;
  const pamFile = pam && pamService ? join(pam.pamDir ?? '/etc/pam.d', pamService) : undefined;

  let child: ChildProcess | undefined;
  let stopped = false;
  const killOnExit = () => child?.kill('SIGKILL');

  const cleanup = async () => {
    if (stopped) return;
    stopped = true;
    process.off('exit', killOnExit);
    await terminate(child);
    if (pamFile) await rm(pamFile, { force: true });
    await rm(baseDir, { recursive: true, force: true });
  };

  try {
    const certs = await makeCertificates(baseDir, options.certificateNames ?? ['localhost', '127.0.0.1']);
    await run(installDb, [
      '--no-defaults', `--datadir=${dataDir}`, `--user=${osUser}`,
      '--auth-root-authentication-method=normal', '--skip-test-db',
    ]).catch((error: Error & { stderr?: string }) => {
      throw new Error(`mariadb-install-db failed: ${error.stderr ?? error.message}`);
    });

    if (pam && pamFile) {
      const script = join(baseDir, 'check-iam-token.sh');
      await writeFile(script, pam.checkScript ?? DEFAULT_CHECK_SCRIPT);
      await chmod(script, 0o755);
      await chmod(baseDir, 0o755); // pam_exec runs the script as the server's user
      await writeFile(pamFile, `# temporary service of the db-users test harness (${baseDir})\nauth required pam_exec.so expose_authtok quiet ${script}\naccount required pam_permit.so\n`);
    }

    const port = await freePort();
    const args = [
      '--no-defaults', `--datadir=${dataDir}`, `--socket=${socket}`, `--pid-file=${join(baseDir, 'mariadb.pid')}`,
      `--port=${port}`, '--bind-address=127.0.0.1', '--skip-name-resolve', `--log-error=${errorLog}`,
      `--ssl-ca=${certs.ca}`, `--ssl-cert=${certs.cert}`, `--ssl-key=${certs.key}`,
      '--innodb-buffer-pool-size=32M', '--max-connections=50', '--skip-log-bin',
      ...(osUser === 'root' ? ['--user=root'] : []),
      ...(options.generalLog ? ['--general-log=ON', `--general-log-file=${generalLogFile}`] : []),
      ...(pam ? ['--plugin-load-add=auth_pam.so', '--pam-use-cleartext-plugin=ON'] : []),
    ];
    const startupTimeoutMs = options.startupTimeoutMs ?? 30_000;
    /** Spawns mariadbd and waits until the socket accepts root (passwordless root@localhost from install-db 'normal'). */
    const launch = async (): Promise<mysql.Connection> => {
      child = spawn(mariadbd, args, { stdio: 'ignore' });
      const started = child;
      const deadline = Date.now() + startupTimeoutMs;
      for (;;) {
        if (started.exitCode !== null) {
          const log = await readFile(errorLog, 'utf8').catch(() => '');
          throw new Error(`mariadbd exited with ${started.exitCode}:\n${log.slice(-2000)}`);
        }
        try {
          return await mysql.createConnection({ socketPath: socket, user: 'root' });
        } catch (error) {
          if (Date.now() > deadline) throw new Error(`mariadbd did not become ready: ${(error as Error).message}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    };
    process.on('exit', killOnExit);
    const root = await launch();

    const adminUser = 'admin';
    const adminPassword = randomBytes(18).toString('base64url');
    await root.query('CREATE USER ?@? IDENTIFIED BY ?', [adminUser, '%', adminPassword]);
    await root.query('GRANT ALL PRIVILEGES ON *.* TO ?@? WITH GRANT OPTION', [adminUser, '%']);
    await root.end();

    const caPem = await readFile(certs.ca, 'utf8');
    const adminQuery = async <Row>(sql: string, values?: unknown[]): Promise<Row[]> => {
      const connection = await mysql.createConnection({
        host: 'localhost',
        port,
        user: adminUser,
        password: adminPassword,
        ssl: { ca: caPem, rejectUnauthorized: true, verifyIdentity: true },
      });
      try {
        const [rows] = await connection.query(sql, values);
        return (Array.isArray(rows) ? rows : []) as Row[];
      } finally {
        await connection.end();
      }
    };

    return {
      host: 'localhost',
      port,
      caPem,
      adminUser,
      adminPassword,
      ...(pamService ? { pamService } : {}),
      baseDir,
      adminQuery,
      readGeneralLog: () => readFile(generalLogFile, 'utf8').catch(() => ''),
      halt: async () => {
        if (stopped) throw new Error('the server was stopped');
        await terminate(child);
      },
      resume: async () => {
        if (stopped) throw new Error('the server was stopped');
        if (isRunning(child)) return;
        await (await launch()).end();
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
