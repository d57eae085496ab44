/**
 * The bootstrap handler against a real MariaDB (PAM clause standing in for AWSAuthenticationPlugin):
 * first run, idempotent second run, add/remove/change users, drift repair, injection corpus,
 * unreachable database, TLS hostname verification, Delete retention.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import mysql from 'mysql2/promise';
import { createHandler, type HandlerDependencies } from '../../src/lambda/db-users/handler.js';
import { RetriesExhaustedError } from '../../src/lambda/db-users/retry.js';
import { connectMysql, type MasterCredentials, type SqlConnection } from '../../src/lambda/db-users/sql-connection.js';
import { createEvent, deleteEvent, updateEvent } from '../support/events.js';
import { connectWithIamToken } from '../support/iam-token.js';
import { startMariaDbServer, type MariaDbServer } from '../support/mariadb-server.js';

const DB = 'app_db'; // has an underscore: exercises the wildcard escaping of GRANT
type Users = { Name: string; Access: string }[];
const initialUsers: Users = [
  { Name: 'app_rw', Access: 'read-write' },
  { Name: 'migrator', Access: 'schema-owner' },
  { Name: 'reporting', Access: 'read-only' },
];

// Starts MariaDB servers and waits on connection retries: slower than jest's 5 s default.
jest.setTimeout(120_000);

let server: MariaDbServer;
let logs: string[];
let executed: string[];
let connectCalls: number;
let secretReads: number;

/** Wraps the real connection to record every statement the handler sends. */
function recording(connection: SqlConnection): SqlConnection {
  return {
    query: (sql) => {
      executed.push(sql);
      return connection.query(sql);
    },
    end: () => connection.end(),
  };
}

function dependencies(overrides: Partial<HandlerDependencies> = {}): HandlerDependencies {
  return {
    authentication: { kind: 'pam', service: server.pamService! },
    getMasterCredentials: async (): Promise<MasterCredentials> => {
      secretReads++;
      return { username: server.adminUser, password: server.adminPassword };
    },
    connect: async (credentials, options) => {
      connectCalls++;
      return recording(await connectMysql({ host: server.host, port: server.port, ca: server.caPem, ...options }, credentials));
    },
    sleep: async () => undefined,
    log: (line) => logs.push(line),
    ...overrides,
  };
}

/** Users and grants as the server reports them (SHOW GRANTS + account attributes). */
/** A `Quit` in the general log, with or without the timestamp MariaDB writes when the second changes. */
const QUIT_LINE = /^(?:\d{6}\s+\d{1,2}:\d{2}:\d{2})?\s+\d+ Quit\s*$/;

/**
 * The general log's lines written since `offset`, less `Quit` lines: a client's `end()` does not wait
 * for the server to log an earlier session's Quit, which a busy machine writes late. Any new session
 * or statement remains.
 */
async function loggedSince(offset: number): Promise<string[]> {
  const added = (await server.readGeneralLog()).slice(offset);
  return added.split('\n').filter((line) => line.trim() !== '' && !QUIT_LINE.test(line));
}

async function snapshot(): Promise<Record<string, { account: unknown; grants: string[] }>> {
  const accounts = await server.adminQuery<{ User: string; plugin: string; authentication_string: string; ssl_type: string }>(
    "SELECT User, plugin, authentication_string, ssl_type FROM mysql.user WHERE User NOT IN ('root', 'admin', 'mariadb.sys', 'PUBLIC', '') ORDER BY User",
  );
  const result: Record<string, { account: unknown; grants: string[] }> = {};
  for (const account of accounts) {
    const rows = await server.adminQuery<Record<string, string>>('SHOW GRANTS FOR ?@?', [account.User, '%']);
    result[account.User] = { account, grants: rows.map((r) => Object.values(r)[0]!).sort() };
  }
  return result;
}

const connectAsIamUser = (user: string) => connectWithIamToken(server, user, DB);

beforeAll(async () => {
  server = await startMariaDbServer({ pam: true, generalLog: true });
  await server.adminQuery(`CREATE DATABASE ${DB}`);
  await server.adminQuery(`CREATE TABLE ${DB}.items (id INT PRIMARY KEY, name VARCHAR(20))`);
  // Would be reachable through an unescaped `app_db`.* wildcard grant.
  await server.adminQuery('CREATE DATABASE app1db');
  await server.adminQuery('CREATE TABLE app1db.secrets (id INT)');
});
afterAll(async () => server?.stop());
beforeEach(() => {
  logs = [];
  executed = [];
  connectCalls = 0;
  secretReads = 0;
});

describe('DatabaseUsers handler against MariaDB', () => {
  let afterFirstRun: Awaited<ReturnType<typeof snapshot>>;

  it('first run creates the users with PAM/IAM auth, REQUIRE SSL and exact grants', async () => {
    const response = await createHandler(dependencies())(createEvent(DB, initialUsers));
    expect(response).toMatchObject({
      PhysicalResourceId: `database-users:${DB}`,
      Data: { Created: 'app_rw,migrator,reporting', StatementCount: '6' },
    });
    afterFirstRun = await snapshot();
    expect(Object.keys(afterFirstRun)).toEqual(['app_rw', 'migrator', 'reporting']);
    expect(afterFirstRun.reporting!.grants).toEqual([
      'GRANT SELECT ON `app\\_db`.* TO `reporting`@`%`',
      `GRANT USAGE ON *.* TO \`reporting\`@\`%\` IDENTIFIED VIA pam USING '${server.pamService}' REQUIRE SSL`,
    ]);
    expect(afterFirstRun.migrator!.grants[0]).toBe(
      'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE VIEW, SHOW VIEW, TRIGGER ON `app\\_db`.* TO `migrator`@`%`',
    );
    expect(logs.join('\n')).not.toContain(server.adminPassword);
    // The general log really records the handler's statements (so the no-op checks below mean something).
    expect(await server.readGeneralLog()).toContain("CREATE USER IF NOT EXISTS 'migrator'@'%'");
  });

  it('the created users work over the IAM token path with exactly their access', async () => {
    const rw = await connectAsIamUser('app_rw');
    await rw.query('INSERT INTO items VALUES (1, ?)', ['one']);
    await expect(rw.query('CREATE TABLE t (id INT)')).rejects.toThrow(/denied/);
    await expect(rw.query('SELECT * FROM app1db.secrets')).rejects.toThrow(/denied/);
    await rw.end();
    const ro = await connectAsIamUser('reporting');
    await expect(ro.query('SELECT name FROM items')).resolves.toBeDefined();
    await expect(ro.query('DELETE FROM items')).rejects.toThrow(/denied/);
    await ro.end();
    const owner = await connectAsIamUser('migrator');
    await owner.query('CREATE TABLE migrations (id INT PRIMARY KEY)');
    await owner.query('CREATE INDEX by_name ON items (name)');
    await expect(owner.query('CREATE DATABASE app2db')).rejects.toThrow(/denied/); // `_` is not a wildcard
    await expect(owner.query('CREATE TABLE app1db.t (id INT)')).rejects.toThrow(/denied/);
    await owner.end();
  });

  it('second run with the same configuration changes nothing (Update and a replayed Create)', async () => {
    const logBefore = (await server.readGeneralLog()).length;
    const update = await createHandler(dependencies())(updateEvent(DB, initialUsers, initialUsers));
    const replay = await createHandler(dependencies())(createEvent(DB, initialUsers));
    for (const response of [update, replay]) {
      expect(response.Data).toMatchObject({ StatementCount: '0', Unchanged: 'app_rw,migrator,reporting' });
    }
    // Only the two live-state reads per run reached the server; no DDL.
    expect(executed.every((sql) => sql.startsWith('SELECT '))).toBe(true);
    const newLog = (await server.readGeneralLog()).slice(logBefore);
    expect(newLog).not.toMatch(/\b(CREATE|GRANT|REVOKE|ALTER|DROP)\b/);
    expect(await snapshot()).toEqual(afterFirstRun);
  });

  it('adds, removes, raises and lowers users', async () => {
    const next: Users = [
      { Name: 'app_rw', Access: 'read-only' }, // lowered
      { Name: 'reporting', Access: 'read-write' }, // raised
      { Name: 'analytics', Access: 'read-only' }, // added
      // migrator removed
    ];
    const response = await createHandler(dependencies())(updateEvent(DB, initialUsers, next));
    expect(response.Data).toMatchObject({ Created: 'analytics', Changed: 'app_rw,reporting', Dropped: 'migrator' });
    const state = await snapshot();
    expect(Object.keys(state)).toEqual(['analytics', 'app_rw', 'reporting']);
    expect(state.app_rw!.grants[0]).toBe('GRANT SELECT ON `app\\_db`.* TO `app_rw`@`%`');
    expect(state.reporting!.grants[0]).toBe('GRANT SELECT, INSERT, UPDATE, DELETE ON `app\\_db`.* TO `reporting`@`%`');

    // And again: a no-op.
    executed = [];
    const again = await createHandler(dependencies())(updateEvent(DB, next, next));
    expect(again.Data).toMatchObject({ StatementCount: '0' });
    expect(await snapshot()).toEqual(state);
    await createHandler(dependencies())(updateEvent(DB, next, initialUsers)); // back to the start
    expect(await snapshot()).toEqual(afterFirstRun);
  });

  it('repairs drift and never drops a user it did not create', async () => {
    await server.adminQuery('REVOKE DELETE ON `app\\_db`.* FROM ?@?', ['app_rw', '%']);
    await server.adminQuery('GRANT EXECUTE ON `app\\_db`.* TO ?@?', ['reporting', '%']);
    await server.adminQuery('CREATE USER ?@? IDENTIFIED BY ?', ['legacy', '%', 'not-managed-here']);
    const response = await createHandler(dependencies())(updateEvent(DB, initialUsers, initialUsers));
    expect(response.Data).toMatchObject({ Changed: 'app_rw,reporting' });
    const state = await snapshot();
    expect(Object.keys(state)).toContain('legacy');
    delete state.legacy;
    expect(state).toEqual(afterFirstRun);
    await server.adminQuery('DROP USER ?@?', ['legacy', '%']);
  });

  it('Delete leaves users and grants in place and says so', async () => {
    const response = await createHandler(dependencies())(deleteEvent(DB, initialUsers));
    expect(response.Data).toMatchObject({ Retained: 'true' });
    expect(logs.join('\n')).toMatch(/retained/);
    expect(connectCalls).toBe(0);
    expect(await snapshot()).toEqual(afterFirstRun);
  });

  describe('injection corpus: rejected before any secret is read or SQL reaches the server', () => {
    const hostileNames = [
      "x'@'%'; DROP USER 'admin'@'%'; --", "evil' OR '1'='1", 'evil`; DROP DATABASE app_db; --', 'a b', 'a/*c*/',
      'root', 'admin', 'rdsproxyadmin', 'mysql.infoschema', 'x\u0000y', 'x\\', '', '9lives', 'z'.repeat(33), 'ünïcode',
    ];
    const hostileDatabases = ["app_db`.* TO 'x'@'%'; --", 'mysql', 'information_schema', 'app db', 'app.db', ''];
    const cases: [string, Parameters<ReturnType<typeof createHandler>>[0]][] = [
      ...hostileNames.map((name) => [`user ${JSON.stringify(name)}`, createEvent(DB, [{ Name: name, Access: 'read-only' }])] as [string, never]),
      ...hostileDatabases.map((db) => [`database ${JSON.stringify(db)}`, createEvent(db, initialUsers)] as [string, never]),
      ['access level', createEvent(DB, [{ Name: 'app_rw', Access: "read-only'; GRANT ALL ON *.* TO 'app_rw" }])],
      ['non-string name', createEvent(DB, [{ Name: { toString: () => 'x' }, Access: 'read-only' }])],
      ['duplicate users', createEvent(DB, [{ Name: 'dup', Access: 'read-only' }, { Name: 'DUP', Access: 'read-write' }])],
      ['no users', createEvent(DB, [])],
      ['hostile previous user (Update)', updateEvent(DB, [{ Name: "admin'@'%", Access: 'read-only' }], initialUsers)],
    ];

    it.each(cases)('%s', async (_label, event) => {
      const logBefore = (await server.readGeneralLog()).length;
      await expect(createHandler(dependencies())(event)).rejects.toThrow(/Invalid|reserved|system schema|Duplicate|non-empty|must be/);
      expect(secretReads).toBe(0);
      expect(connectCalls).toBe(0);
      expect(executed).toEqual([]);
      expect(await loggedSince(logBefore)).toEqual([]);
    });

    it('left the server untouched', async () => {
      expect(await snapshot()).toEqual(afterFirstRun);
    });
  });

  describe('database not reachable', () => {
    it('retries with exponential backoff, then fails with a clear reason', async () => {
      const closedPort = await (async () => {
        const { createServer } = await import('node:net');
        const s = createServer();
        await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
        const port = (s.address() as { port: number }).port;
        await new Promise((r) => s.close(r));
        return port;
      })();
      const delays: number[] = [];
      const handler = createHandler(dependencies({
        connect: async (credentials) => {
          connectCalls++;
          return connectMysql({ host: '127.0.0.1', port: closedPort, ca: server.caPem, connectTimeoutMs: 1_000 }, credentials);
        },
        sleep: async (ms) => {
          delays.push(ms);
          await new Promise((r) => setTimeout(r, 5)); // short real backoff in the test
        },
        retryPolicy: { attempts: 4, baseDelayMs: 10, maxDelayMs: 25 },
      }));
      const failure = handler(createEvent(DB, initialUsers));
      await expect(failure).rejects.toBeInstanceOf(RetriesExhaustedError);
      await expect(failure).rejects.toThrow(/Connecting to the database failed after 4 attempt\(s\): .*ECONNREFUSED/);
      expect(connectCalls).toBe(4);
      expect(delays).toEqual([10, 20, 25]);
      expect(logs.join('\n')).not.toContain(server.adminPassword);
    });

    it('succeeds once the database comes up within the retry budget', async () => {
      let attempts = 0;
      const real = dependencies();
      const handler = createHandler({
        ...real,
        connect: async (credentials, options) => {
          attempts++;
          if (attempts < 3) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });
          return real.connect(credentials, options);
        },
        retryPolicy: { attempts: 5, baseDelayMs: 1, maxDelayMs: 4 },
      });
      await expect(handler(createEvent(DB, initialUsers))).resolves.toMatchObject({ Data: { StatementCount: '0' } });
      expect(attempts).toBe(3);
    });

    it('does not retry authentication failures and does not leak the password', async () => {
      const sleep = jest.fn(async () => undefined);
      const wrongPassword = 'definitely-wrong-password-123';
      const handler = createHandler(dependencies({
        getMasterCredentials: async () => ({ username: server.adminUser, password: wrongPassword }),
        sleep,
      }));
      const failure = handler(createEvent(DB, initialUsers));
      await expect(failure).rejects.toThrow(/Access denied/);
      await expect(failure).rejects.not.toThrow(new RegExp(wrongPassword));
      expect(sleep).not.toHaveBeenCalled();
      expect(logs.join('\n')).not.toContain(wrongPassword);
    });
  });

  it('refuses a server whose certificate does not name the host (no retries)', async () => {
    const impostor = await startMariaDbServer({ certificateNames: ['db.example.test'] });
    try {
      const sleep = jest.fn(async () => undefined);
      const handler = createHandler(dependencies({
        getMasterCredentials: async () => ({ username: impostor.adminUser, password: impostor.adminPassword }),
        connect: (credentials) => connectMysql({ host: 'localhost', port: impostor.port, ca: impostor.caPem }, credentials),
        sleep,
      }));
      await expect(handler(createEvent(DB, initialUsers))).rejects.toThrow(/Hostname\/IP does not match certificate's altnames/);
      expect(sleep).not.toHaveBeenCalled();
    } finally {
      await impostor.stop();
    }
  });
});

describe('the admin level against MariaDB', () => {
  const withAdmin: Users = [...initialUsers, { Name: 'dba', Access: 'admin' }];
  const grantsOf = async (user: string) => (await snapshot())[user]?.grants;

  it('is created with exactly its schema privileges WITH GRANT OPTION and PROCESS as its only global one', async () => {
    const response = await createHandler(dependencies())(updateEvent(DB, initialUsers, withAdmin));
    expect(response.Data).toMatchObject({ Created: 'dba', Unchanged: 'app_rw,migrator,reporting' });
    expect(await grantsOf('dba')).toEqual([
      `GRANT PROCESS ON *.* TO \`dba\`@\`%\` IDENTIFIED VIA pam USING '${server.pamService}' REQUIRE SSL`,
      'GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, ' +
        'CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER ON `app\\_db`.* TO `dba`@`%` WITH GRANT OPTION',
    ]);
    // A second run finds it exact: PROCESS and GRANT OPTION are part of the level, not drift.
    const again = await createHandler(dependencies())(updateEvent(DB, withAdmin, withAdmin));
    expect(again.Data).toMatchObject({ StatementCount: '0' });
  });

  it('works over the IAM token path as the schema\'s DBA, and no further', async () => {
    const dba = await connectAsIamUser('dba');
    const other = await connectAsIamUser('reporting');
    try {
      await dba.query('CREATE TABLE audit_probe (id INT PRIMARY KEY)');
      await dba.query('CREATE PROCEDURE count_items() SELECT COUNT(*) FROM items');
      await dba.query('CALL count_items()');
      await dba.query('LOCK TABLES items READ');
      await dba.query('UNLOCK TABLES');
      // PROCESS: every session is visible, not only its own.
      const [sessions] = await dba.query<mysql.RowDataPacket[]>('SELECT USER FROM information_schema.PROCESSLIST');
      expect(sessions.map((s) => s.USER)).toContain('reporting');
      // GRANT within the schema, to an account that exists; nothing beyond it.
      await dba.query("GRANT INSERT ON `app\\_db`.* TO 'reporting'@'%'");
      await expect(dba.query("GRANT SELECT ON app1db.* TO 'reporting'@'%'")).rejects.toThrow(/denied/);
      await expect(dba.query("GRANT PROCESS ON *.* TO 'reporting'@'%'")).rejects.toThrow(/denied|GRANT OPTION/);
      await expect(dba.query("CREATE USER 'sneaky'@'%'")).rejects.toThrow(/denied/);
      await expect(dba.query('SELECT * FROM app1db.secrets')).rejects.toThrow(/denied/);
      await expect(dba.query('CREATE DATABASE app2db')).rejects.toThrow(/denied/);
      await expect(dba.query('SELECT * FROM mysql.user')).rejects.toThrow(/denied/);
      await dba.query('DROP PROCEDURE count_items');
      await dba.query('DROP TABLE audit_probe');
    } finally {
      await dba.end();
      await other.end();
    }
    // What the admin handed out is drift for the bootstrap: the next run takes it back.
    const repair = await createHandler(dependencies())(updateEvent(DB, withAdmin, withAdmin));
    expect(repair.Data).toMatchObject({ Changed: 'reporting' });
    expect((await grantsOf('reporting'))![0]).toBe('GRANT SELECT ON `app\\_db`.* TO `reporting`@`%`');
  });

  it('lowered to read-only: PROCESS and GRANT OPTION are gone, exactly read-only remains', async () => {
    const lowered: Users = [...initialUsers, { Name: 'dba', Access: 'read-only' }];
    const response = await createHandler(dependencies())(updateEvent(DB, withAdmin, lowered));
    expect(response.Data).toMatchObject({ Changed: 'dba' });
    expect(await grantsOf('dba')).toEqual([
      'GRANT SELECT ON `app\\_db`.* TO `dba`@`%`',
      `GRANT USAGE ON *.* TO \`dba\`@\`%\` IDENTIFIED VIA pam USING '${server.pamService}' REQUIRE SSL`,
    ]);
    const session = await connectAsIamUser('dba');
    try {
      const [sessions] = await session.query<mysql.RowDataPacket[]>('SELECT USER FROM information_schema.PROCESSLIST');
      expect(new Set(sessions.map((s) => s.USER))).toEqual(new Set(['dba']));
      await expect(session.query('CREATE TABLE t (id INT)')).rejects.toThrow(/denied/);
    } finally {
      await session.end();
    }
    // Raised again, then removed from the configuration: dropped.
    await createHandler(dependencies())(updateEvent(DB, lowered, withAdmin));
    expect((await grantsOf('dba'))![0]).toMatch(/^GRANT PROCESS ON \*\.\*/);
    const removed = await createHandler(dependencies())(updateEvent(DB, withAdmin, initialUsers));
    expect(removed.Data).toMatchObject({ Dropped: 'dba' });
    expect(await grantsOf('dba')).toBeUndefined();
  });
});
