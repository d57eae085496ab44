import mysql from 'mysql2/promise';
import type { MariaDbServer } from './mariadb-server.js';

/** A string shaped like an @aws-sdk/rds-signer token (what the harness's PAM check accepts). */
export function fakeIamToken(user: string, host = 'localhost', port = 3306): string {
  return `${host}:${port}/?Action=connect&DBUser=${user}&X-Amz-Algorithm=AWS4-HMAC-SHA256` +
    '&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Feu-west-1%2Frds-db%2Faws4_request&X-Amz-Date=20260101T000000Z' +
    `&X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature=${'ab'.repeat(32)}`;
}

/** Connects as an IAM user of the harness (PAM stand-in) over verified TLS, the way RDS Proxy clients do. */
export function connectWithIamToken(server: Pick<MariaDbServer, 'host' | 'port' | 'caPem'>, user: string, database: string): Promise<mysql.Connection> {
  const token = fakeIamToken(user, server.host, server.port);
  return mysql.createConnection({
    host: server.host,
    port: server.port,
    user,
    database,
    ssl: { ca: server.caPem, rejectUnauthorized: true, verifyIdentity: true },
    authPlugins: { mysql_clear_password: () => async () => token },
  });
}
