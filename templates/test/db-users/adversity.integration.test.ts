/**
 * The bootstrap handler under adversity, against a real MariaDB: hand-made accounts holding more
 * than their access level (taken over to exactly that level), a same-name account at another host
 * (refused), a lock that outlasts the statement budget (a clean, bounded failure) and sessions
 * opened before a lowering (ended).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { createHandler, type HandlerDependencies } from '../../src/lambda/db-users/handler.js';
import { connectMysql } from '../../src/lambda/db-users/sql-connection.js';
import { createEvent, updateEvent } from '../support/events.js';
import { connectWithIamToken } from '../support/iam-token.js';
import { startMariaDbServer, type MariaDbServer } from '../support/mariadb-server.js';

const DB = 'app_db';
jest.setTimeout(120_000);

let server: MariaDbServer;
let logs: string[];

function dependencies(overrides: Partial<HandlerDependencies> = {}): HandlerDependencies {
  logs = [];
  return {
    authentication: { kind: 'pam', service: server.pamService! },
    getMasterCredentials: async () => ({ username: server.adminUser, password: server.adminPassword }),
    connect: (credentials, options) => connectMysql({ host: server.host, port: server.port, ca: server.caPem, ...options }, credentials),
    sleep: async () => undefined,
    log: (line) => logs.push(line),
    ...overrides,
  };
}

const tls = () => ({ ca: server.caPem, rejectUnauthorized: true, verifyIdentity: true });

const connectWithToken = (user: string) => connectWithIamToken(server, user, DB);

/** Every grant line of every account with this name, at any host (SHOW GRANTS: an independent oracle). */
async function grantsOf(user: string): Promise<string[]> {
  const hosts = await server.adminQuery<{ Host: string }>('SELECT Host FROM mysql.user WHERE User = ?', [user]);
  const lines: string[] = [];
  for (const { Host } of hosts) {
    const rows = await server.adminQuery<Record<string, string>>('SHOW GRANTS FOR ?@?', [user, Host]);
    lines.push(...rows.map((r) => Object.values(r)[0]!));
  }
  return lines.sort();
}

const exactlyReadOnly = (user: string) => [
  `GRANT SELECT ON \`app\\_db\`.* TO \`${user}\`@\`%\``,
  `GRANT USAGE ON *.* TO \`${user}\`@\`%\` IDENTIFIED VIA pam USING '${server.pamService}' REQUIRE SSL`,
];

beforeAll(async () => {
  server = await startMariaDbServer({ pam: true });
  await server.adminQuery(`CREATE DATABASE ${DB}`);
  await server.adminQuery(`CREATE TABLE ${DB}.items (id INT PRIMARY KEY, name VARCHAR(20))`);
  await server.adminQuery(`CREATE PROCEDURE ${DB}.touch() SELECT 1`);
  await server.adminQuery('CREATE DATABASE other_db');
  await server.adminQuery('CREATE TABLE other_db.secrets (id INT)');
  await server.adminQuery('CREATE ROLE auditor');
  await server.adminQuery('GRANT SELECT ON other_db.* TO auditor');
});
afterAll(async () => server?.stop());

describe('a hand-made account is taken over to exactly its configured access', () => {
  // Each account is made by hand with a password, plus one kind of extra privilege.
  const cases: [string, string[]][] = [
    ['a password only', []],
    ['global SELECT ON *.*', ['GRANT SELECT ON *.* TO ?@?']],
    ['global GRANT OPTION', ['GRANT USAGE ON *.* TO ?@? WITH GRANT OPTION']],
    ['grants on another schema', ['GRANT SELECT, INSERT ON other_db.* TO ?@?']],
    ['table-level grants on the application schema', [`GRANT INSERT, DELETE ON ${DB}.items TO ?@?`]],
    ['column-level grants on the application schema', [`GRANT UPDATE (name) ON ${DB}.items TO ?@?`]],
    ['routine privileges', [`GRANT EXECUTE ON PROCEDURE ${DB}.touch TO ?@?`]],
    ['more than its level on the application schema, with GRANT OPTION', ['GRANT ALL ON `app\\_db`.* TO ?@? WITH GRANT OPTION']],
    ['a proxy grant on the master user', ["GRANT PROXY ON 'admin'@'%' TO ?@?"]],
    ['a role, also its default role', ['GRANT auditor TO ?@?']],
    ['everything at once', [
      'GRANT SELECT ON *.* TO ?@?', 'GRANT SELECT ON other_db.* TO ?@?', `GRANT INSERT ON ${DB}.items TO ?@?`,
      `GRANT UPDATE (name) ON ${DB}.items TO ?@?`, `GRANT EXECUTE ON PROCEDURE ${DB}.touch TO ?@?`,
      "GRANT PROXY ON 'admin'@'%' TO ?@?", 'GRANT auditor TO ?@?',
    ]],
  ];

  it.each(cases.map(([label, grants], i) => [label, `legacy${i}`, grants] as const))('%s', async (_label, user, grants) => {
    const password = `hand-made-${user}-pw`;
    await server.adminQuery('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', password]);
    for (const grant of grants) await server.adminQuery(grant, [user, '%']);
    if (grants.some((g) => g.includes('auditor'))) await server.adminQuery('SET DEFAULT ROLE auditor FOR ?@?', [user, '%']);
    expect(await grantsOf(user)).not.toEqual(exactlyReadOnly(user));

    const response = await createHandler(dependencies())(createEvent(DB, [{ Name: user, Access: 'read-only' }]));
    expect(response.Data).toMatchObject({ Changed: user });
    expect(await grantsOf(user)).toEqual(exactlyReadOnly(user));
    // IAM is the only way in: the password no longer works, the token does.
    await expect(mysql.createConnection({
      host: server.host, port: server.port, user, ssl: tls(), authPlugins: { mysql_clear_password: () => async () => password },
    })).rejects.toMatchObject({ code: 'ER_ACCESS_DENIED_ERROR' });
    const session = await connectWithToken(user);
    try {
      await expect(session.query('SELECT * FROM items')).resolves.toBeDefined();
      await expect(session.query('SELECT * FROM other_db.secrets')).rejects.toThrow(/denied/);
      await expect(session.query("INSERT INTO items VALUES (1, 'x')")).rejects.toThrow(/denied/);
      await expect(session.query('SET ROLE auditor')).rejects.toThrow(/not granted|denied|Invalid role/i);
    } finally {
      await session.end();
    }
    // A second run finds nothing left to do.
    const again = await createHandler(dependencies())(createEvent(DB, [{ Name: user, Access: 'read-only' }]));
    expect(again.Data).toMatchObject({ StatementCount: '0', Unchanged: user });
  });
});

describe('a same-name account at another host', () => {
  it('is refused by name, and nothing is changed', async () => {
    await server.adminQuery('CREATE USER ?@? IDENTIFIED BY ?', ['shadowed', '127.0.0.1', 'pw-at-another-host']);
    await server.adminQuery('GRANT SELECT ON other_db.* TO ?@?', ['shadowed', '127.0.0.1']);
    const before = await grantsOf('shadowed');
    const failure = createHandler(dependencies())(createEvent(DB, [{ Name: 'shadowed', Access: 'read-write' }, { Name: 'bystander', Access: 'read-only' }]));
    await expect(failure).rejects.toThrow("Refusing to manage 'shadowed'@'127.0.0.1'");
    await expect(failure).rejects.toThrow(/nothing was changed/);
    expect(await grantsOf('shadowed')).toEqual(before);
    expect(await grantsOf('bystander')).toEqual([]);
  });
});

describe('bounded by the handler’s own clock', () => {
  it('a statement blocked by FLUSH TABLES WITH READ LOCK fails within the budget, naming the statement and the reason', async () => {
    const locker = await mysql.createConnection({
      host: server.host, port: server.port, user: server.adminUser, password: server.adminPassword, ssl: tls(),
    });
    try {
      await locker.query('FLUSH TABLES WITH READ LOCK');
      const started = Date.now();
      const failure = createHandler(dependencies({ statementTimeoutMs: 1_000 }))(createEvent(DB, [{ Name: 'locked_out', Access: 'read-only' }]));
      await expect(failure).rejects.toThrow(/CREATE USER IF NOT EXISTS 'locked_out'@'%'.*(Lock wait timeout exceeded|max_statement_time exceeded)/);
      // Budget 1 s (server-side lock wait) + 1 s client backstop; closing the connection did not hang.
      expect(Date.now() - started).toBeLessThan(6_000);
    } finally {
      await locker.query('UNLOCK TABLES');
      await locker.end();
    }
    expect(await grantsOf('locked_out')).toEqual([]);
  });

  it('a statement the server does not answer is abandoned client-side and the connection closes at once', async () => {
    const connection = await connectMysql(
      { host: server.host, port: server.port, ca: server.caPem, statementTimeoutMs: 1_000 },
      { username: server.adminUser, password: server.adminPassword },
    );
    // A stalled server (process stopped): nothing server-side can end the statement.
    const pid = Number(await readFile(join(server.baseDir, 'mariadb.pid'), 'utf8'));
    process.kill(pid, 'SIGSTOP');
    // The signal is delivered asynchronously: on a busy machine the server could still answer.
    const stopped = async () => /^\S+ \(.*\) T /.test(await readFile(`/proc/${pid}/stat`, 'utf8'));
    for (let i = 0; i < 200 && !(await stopped()); i++) await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    try {
      await expect(connection.query('SELECT 1')).rejects.toMatchObject({ name: 'StatementTimeoutError', code: 'STATEMENT_TIMEOUT' });
      await connection.end();
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await expect(connection.query('SELECT 1')).rejects.toThrow(/closed after an earlier statement timed out/);
  });

  it('stops before a statement when the Lambda has less time left than its budget', async () => {
    const failure = createHandler(dependencies({ statementTimeoutMs: 5_000 }))(
      createEvent(DB, [{ Name: 'too_late', Access: 'read-only' }]),
      { getRemainingTimeInMillis: () => 12_000 },
    );
    await expect(failure).rejects.toThrow(/Stopped before .*12000 ms of the Lambda's time left/);
  });
});

describe('revocations take effect on sessions opened earlier', () => {
  it('lowering ends the user’s sessions; removing ends the removed user’s sessions', async () => {
    const before = [{ Name: 'writer', Access: 'read-write' }, { Name: 'leaver', Access: 'read-only' }, { Name: 'keeper', Access: 'read-only' }];
    await createHandler(dependencies())(createEvent(DB, before));
    const writer = await connectWithToken('writer');
    const leaver = await connectWithToken('leaver');
    const keeper = await connectWithToken('keeper');
    await writer.query("INSERT INTO items VALUES (42, 'before')");

    const after = [{ Name: 'writer', Access: 'read-only' }, { Name: 'keeper', Access: 'read-only' }];
    await createHandler(dependencies())(updateEvent(DB, before, after));
    expect(logs.join('\n')).toMatch(/Ended 2 session\(s\) of \[(leaver, writer|writer, leaver)\]/);

    // MariaDB would otherwise let this session keep INSERT on its current database until the next USE.
    await expect(writer.query("INSERT INTO items VALUES (43, 'after')")).rejects.toThrow(/closed|lost|killed|Connection/i);
    await expect(leaver.query('SELECT 1')).rejects.toThrow(/closed|lost|killed|Connection/i);
    // Unchanged users keep their sessions.
    await expect(keeper.query('SELECT COUNT(*) FROM items')).resolves.toBeDefined();
    await keeper.end();
    for (const c of [writer, leaver]) c.destroy();

    const again = await connectWithToken('writer');
    await expect(again.query("INSERT INTO items VALUES (44, 'again')")).rejects.toThrow(/denied/);
    await again.end();
  });
});
