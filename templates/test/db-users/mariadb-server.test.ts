/**
 * The harness itself: TLS with hostname verification, admin access, and the PAM IAM-token mode the
 * Hono app's tests reuse (mysql2 -> auth switch -> mysql_clear_password -> pam_exec token check).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { fakeIamToken } from '../support/iam-token.js';
import { startMariaDbServer, type MariaDbServer } from '../support/mariadb-server.js';

// Starts a MariaDB server: slower than jest's 5 s default.
jest.setTimeout(120_000);

describe('MariaDB test harness (PAM IAM-token mode)', () => {
  let server: MariaDbServer;
  beforeAll(async () => {
    server = await startMariaDbServer({ pam: true });
    await server.adminQuery('CREATE DATABASE app');
    await server.adminQuery('CREATE USER ?@? IDENTIFIED VIA pam USING ? REQUIRE SSL', ['app_rw', '%', server.pamService]);
    await server.adminQuery('GRANT SELECT ON app.* TO ?@?', ['app_rw', '%']);
  });
  afterAll(async () => {
    const pamFile = join('/etc/pam.d', server.pamService ?? 'none');
    await server?.stop();
    expect(existsSync(server.baseDir)).toBe(false);
    expect(existsSync(pamFile)).toBe(false);
  });

  const connectAs = (user: string, token: string, host = 'localhost') =>
    mysql.createConnection({
      host,
      port: server.port,
      user,
      database: 'app',
      ssl: { ca: server.caPem, rejectUnauthorized: true, verifyIdentity: true },
      authPlugins: { mysql_clear_password: () => async () => token },
    });

  it('accepts a token-shaped password over TLS via mysql_clear_password', async () => {
    const connection = await connectAs('app_rw', fakeIamToken('app_rw', 'localhost', server.port));
    const [rows] = await connection.query('SELECT CURRENT_USER() AS me, @@have_ssl AS ssl_on');
    expect(rows).toEqual([{ me: 'app_rw@%', ssl_on: 'YES' }]);
    await connection.end();
  });

  it('rejects a token for another user and a non-token password', async () => {
    await expect(connectAs('app_rw', fakeIamToken('someone_else', 'localhost', server.port))).rejects.toThrow(/Access denied/);
    await expect(connectAs('app_rw', 'hunter2')).rejects.toThrow(/Access denied/);
  });

  it('verifies the server certificate against the test CA and the host name', async () => {
    await expect(mysql.createConnection({
      host: 'localhost',
      port: server.port,
      user: server.adminUser,
      password: server.adminPassword,
      ssl: { rejectUnauthorized: true, verifyIdentity: true }, // system CAs only: must fail
    })).rejects.toThrow(/self-signed|unable to verify|certificate/i);
  });
});
