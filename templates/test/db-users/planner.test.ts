import { describe, expect, it } from '@jest/globals';
import { AccountConflictError, describeGrant, planUserChanges, type DesiredUser, type ExtraGrant, type LiveUser, type PlanOptions } from '../../src/lambda/db-users/planner.js';

const iam: PlanOptions = { databaseName: 'app', authentication: { kind: 'aws-iam' } };
const sql = (previous: DesiredUser[], desired: DesiredUser[], options: PlanOptions = iam) =>
  planUserChanges(previous, desired, options).statements.map((s) => s.sql);

const rw: DesiredUser = { name: 'app_rw', access: 'read-write' };
const ro: DesiredUser = { name: 'reporting', access: 'read-only' };
const owner: DesiredUser = { name: 'migrator', access: 'schema-owner' };

describe('planUserChanges', () => {
  it('creates IAM users with REQUIRE SSL and grants on the application database only', () => {
    expect(sql([], [rw, owner, ro])).toEqual([
      "CREATE USER IF NOT EXISTS 'app_rw'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
      "GRANT SELECT, INSERT, UPDATE, DELETE ON `app`.* TO 'app_rw'@'%'",
      "CREATE USER IF NOT EXISTS 'migrator'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, TRIGGER ON `app`.* TO 'migrator'@'%'",
      "CREATE USER IF NOT EXISTS 'reporting'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
      "GRANT SELECT ON `app`.* TO 'reporting'@'%'",
    ]);
  });

  it('uses the PAM clause as the authentication parameter (MariaDB in tests)', () => {
    expect(sql([], [ro], { databaseName: 'app', authentication: { kind: 'pam', service: 'db-users-test' } })[0]).toBe(
      "CREATE USER IF NOT EXISTS 'reporting'@'%' IDENTIFIED VIA pam USING 'db-users-test' REQUIRE SSL",
    );
  });

  it('escapes LIKE wildcards in the database name so grants cover exactly one schema', () => {
    expect(sql([], [ro], { ...iam, databaseName: 'app_db' })[1]).toBe("GRANT SELECT ON `app\\_db`.* TO 'reporting'@'%'");
  });

  it('plans nothing when the configuration is unchanged (no-op)', () => {
    const plan = planUserChanges([rw, ro], [ro, rw], iam);
    expect(plan.statements).toEqual([]);
    expect(plan.unchanged).toEqual(['app_rw', 'reporting']);
  });

  it('adds a user without touching the others', () => {
    const plan = planUserChanges([rw], [rw, ro], iam);
    expect(plan.created).toEqual(['reporting']);
    expect(plan.statements.map((s) => s.user)).toEqual(['reporting', 'reporting']);
  });

  it('drops users removed from the configuration, and only those it created', () => {
    expect(sql([rw, ro], [rw])).toEqual(["DROP USER IF EXISTS 'reporting'@'%'"]);
    // A user that was never in the previous properties is never dropped, even if the server has it.
    const live: LiveUser[] = [
      { name: 'app_rw', plugin: 'AWSAuthenticationPlugin', authenticationString: 'RDS', requiresSsl: true, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], grantOption: false },
      { name: 'dba_tool', plugin: 'mysql_native_password', authenticationString: '*', requiresSsl: false, privileges: ['SELECT'], grantOption: false },
    ];
    expect(sql([rw], [rw], { ...iam, live })).toEqual([]);
  });

  it('raises access with grants only', () => {
    expect(sql([ro], [{ name: 'reporting', access: 'read-write' }])).toEqual([
      "GRANT INSERT, UPDATE, DELETE ON `app`.* TO 'reporting'@'%'",
    ]);
  });

  it('lowers access with revokes', () => {
    expect(sql([owner], [{ name: 'migrator', access: 'read-only' }])).toEqual([
      "REVOKE INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, TRIGGER ON `app`.* FROM 'migrator'@'%'",
    ]);
  });

  it('reconciles drift against live state: missing grant, extra grant, GRANT OPTION, password auth', () => {
    const live: LiveUser[] = [
      { name: 'app_rw', plugin: 'mysql_native_password', authenticationString: '*ABC', requiresSsl: false, privileges: ['SELECT', 'EXECUTE', 'Update'], grantOption: true },
    ];
    const plan = planUserChanges([rw], [rw], { ...iam, live });
    expect(plan.statements.map((s) => s.sql)).toEqual([
      "ALTER USER 'app_rw'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
      "GRANT INSERT, DELETE ON `app`.* TO 'app_rw'@'%'",
      "REVOKE EXECUTE ON `app`.* FROM 'app_rw'@'%'",
      "REVOKE GRANT OPTION ON `app`.* FROM 'app_rw'@'%'",
    ]);
    expect(plan.changed).toEqual(['app_rw']);
  });

  it('never puts unknown privilege names from the server into SQL: the account is reset instead', () => {
    const live: LiveUser[] = [
      { name: 'reporting', plugin: 'AWSAuthenticationPlugin', authenticationString: 'RDS', requiresSsl: true, privileges: ['SELECT', "X'; DROP USER root; --"], grantOption: false },
    ];
    const plan = planUserChanges([ro], [ro], { ...iam, live });
    expect(plan.statements.map((s) => s.sql)).toEqual([
      "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'reporting'@'%'",
      "GRANT SELECT ON `app`.* TO 'reporting'@'%'",
    ]);
    expect(plan.unmanagedPrivileges).toEqual([{ user: 'reporting', privilege: "X'; DROP USER root; --" }]);
  });

  describe('takes over an account holding more than its access level', () => {
    const exact: LiveUser = { name: 'reporting', plugin: 'AWSAuthenticationPlugin', authenticationString: 'RDS', requiresSsl: true, privileges: ['SELECT'], grantOption: false };
    const withExtras = (...extraGrants: ExtraGrant[]) => planUserChanges([ro], [ro], { ...iam, live: [{ ...exact, extraGrants }] });
    it.each<[string, ExtraGrant]>([
      ['global', { level: 'global', privilege: 'SELECT' }],
      ['another schema', { level: 'schema', schema: 'other', privilege: 'INSERT' }],
      ['a table', { level: 'table', schema: 'app', table: 'items', privilege: 'DELETE' }],
      ['a column', { level: 'column', schema: 'app', table: 'items', column: 'name', privilege: 'UPDATE' }],
      ['a routine', { level: 'routine', schema: 'app', routine: 'PROCEDURE p', privilege: 'Execute' }],
    ])('%s: reset with REVOKE ALL, then its level granted again, and its sessions ended', (_label, grant) => {
      const plan = withExtras(grant);
      expect(plan.statements.map((s) => s.sql)).toEqual([
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'reporting'@'%'",
        "GRANT SELECT ON `app`.* TO 'reporting'@'%'",
      ]);
      expect(plan.changed).toEqual(['reporting']);
      expect(plan.endSessionsOf).toEqual(['reporting']);
      expect(plan.revokedExtras).toEqual([{ user: 'reporting', grant: describeGrant(grant) }]);
    });
    it('proxy grants and roles (MySQL accounts, MariaDB names) are revoked one by one, escaped', () => {
      expect(withExtras(
        { level: 'proxy', user: 'admin', host: '%' },
        { level: 'role', role: "r'x", host: '%' },
        { level: 'role', role: 'r`y' },
      ).statements.map((s) => s.sql)).toEqual([
        "REVOKE PROXY ON 'admin'@'%' FROM 'reporting'@'%'",
        "REVOKE 'r\\'x'@'%' FROM 'reporting'@'%'",
        "REVOKE `r``y` FROM 'reporting'@'%'",
      ]);
    });
    it('an exact account needs nothing and no session is ended', () => {
      const plan = withExtras();
      expect(plan.statements).toEqual([]);
      expect(plan.endSessionsOf).toEqual([]);
    });
  });

  it('refuses a same-name account at another host, naming it, before planning anything', () => {
    const refuse = () => planUserChanges([], [ro, rw], { ...iam, otherHostAccounts: [{ name: 'reporting', host: '10.0.%' }] });
    expect(refuse).toThrow(AccountConflictError);
    expect(refuse).toThrow("Refusing to manage 'reporting'@'10.0.%'");
    expect(() => planUserChanges([], [ro], { ...iam, otherHostAccounts: [{ name: 'reporting', host: 'localhost' }] })).toThrow(/other host|another host/);
    // Same-name accounts of users that are not configured are none of this resource's business.
    expect(() => planUserChanges([], [rw], { ...iam, otherHostAccounts: [{ name: 'reporting', host: 'localhost' }] })).not.toThrow();
  });

  it('lowering or dropping ends the sessions of exactly those users', () => {
    const plan = planUserChanges([owner, rw, ro], [{ name: 'migrator', access: 'read-only' }, { name: 'app_rw', access: 'schema-owner' }], iam);
    expect(plan.endSessionsOf).toEqual(['migrator', 'reporting']);
  });

  it('skips drops for users already gone (second run after a removal is a no-op)', () => {
    expect(sql([rw, ro], [rw], {
      ...iam,
      live: [
        { name: 'app_rw', plugin: 'AWSAuthenticationPlugin', authenticationString: 'RDS', requiresSsl: true, privileges: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'], grantOption: false },
      ],
    })).toEqual([]);
  });

  describe('the admin level: the schema\'s DBA, with GRANT OPTION on that schema and PROCESS as its only global privilege', () => {
    const dba: DesiredUser = { name: 'dba', access: 'admin' };
    const ADMIN_ON_SCHEMA = 'SELECT, INSERT, UPDATE, DELETE, CREATE, ALTER, DROP, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, TRIGGER, ' +
      'CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE ROUTINE, ALTER ROUTINE, EVENT';
    const exactAdmin: LiveUser = {
      name: 'dba',
      plugin: 'AWSAuthenticationPlugin',
      authenticationString: 'RDS',
      requiresSsl: true,
      privileges: ADMIN_ON_SCHEMA.split(', '),
      grantOption: true,
      extraGrants: [{ level: 'global', privilege: 'PROCESS' }],
    };
    const withLive = (live: LiveUser, desired: DesiredUser = dba) => planUserChanges([dba], [desired], { ...iam, live: [live] });

    it('is created with its schema privileges WITH GRANT OPTION and PROCESS ON *.*, nothing else global', () => {
      expect(sql([], [dba])).toEqual([
        "CREATE USER IF NOT EXISTS 'dba'@'%' IDENTIFIED WITH AWSAuthenticationPlugin AS 'RDS' REQUIRE SSL",
        `GRANT ${ADMIN_ON_SCHEMA} ON \`app\`.* TO 'dba'@'%' WITH GRANT OPTION`,
        "GRANT PROCESS ON *.* TO 'dba'@'%'",
      ]);
    });
    it('an account holding exactly the level (PROCESS included) needs nothing: PROCESS is expected, not extra', () => {
      const plan = withLive(exactAdmin);
      expect(plan.statements).toEqual([]);
      expect(plan.revokedExtras).toEqual([]);
      expect(sql([dba], [dba])).toEqual([]);
    });
    it('missing parts are granted alone: PROCESS, then GRANT OPTION (with the level it covers)', () => {
      expect(withLive({ ...exactAdmin, extraGrants: [] }).statements.map((s) => s.sql)).toEqual(["GRANT PROCESS ON *.* TO 'dba'@'%'"]);
      expect(withLive({ ...exactAdmin, grantOption: false }).statements.map((s) => s.sql)).toEqual([
        `GRANT ${ADMIN_ON_SCHEMA} ON \`app\`.* TO 'dba'@'%' WITH GRANT OPTION`,
      ]);
    });
    it.each<[string, ExtraGrant]>([
      ['PROCESS WITH GRANT OPTION', { level: 'global', privilege: 'PROCESS', grantable: true }],
      ['another global privilege', { level: 'global', privilege: 'SHOW DATABASES' }],
      ['a grant on another schema', { level: 'schema', schema: 'other', privilege: 'SELECT' }],
    ])('more than the level (%s) is reset and the level granted again', (_label, grant) => {
      const plan = withLive({ ...exactAdmin, extraGrants: [...exactAdmin.extraGrants!, grant] });
      expect(plan.statements.map((s) => s.sql)).toEqual([
        "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'dba'@'%'",
        `GRANT ${ADMIN_ON_SCHEMA} ON \`app\`.* TO 'dba'@'%' WITH GRANT OPTION`,
        "GRANT PROCESS ON *.* TO 'dba'@'%'",
      ]);
      expect(plan.revokedExtras).toEqual([{ user: 'dba', grant: describeGrant(grant) }]);
      expect(plan.endSessionsOf).toEqual(['dba']);
    });
    it('lowered to read-only: PROCESS and GRANT OPTION go with a reset, its sessions end', () => {
      const lowered = { name: 'dba', access: 'read-only' } as const;
      for (const plan of [withLive(exactAdmin, lowered), planUserChanges([dba], [lowered], iam)]) {
        expect(plan.statements.map((s) => s.sql)).toEqual([
          "REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'dba'@'%'",
          "GRANT SELECT ON `app`.* TO 'dba'@'%'",
        ]);
        expect(plan.endSessionsOf).toEqual(['dba']);
      }
    });
    it('raised from read-only: the whole level with GRANT OPTION, and PROCESS', () => {
      expect(sql([{ name: 'dba', access: 'read-only' }], [dba])).toEqual([
        `GRANT ${ADMIN_ON_SCHEMA} ON \`app\`.* TO 'dba'@'%' WITH GRANT OPTION`,
        "GRANT PROCESS ON *.* TO 'dba'@'%'",
      ]);
    });
    it('removed: dropped', () => {
      expect(sql([dba, ro], [ro])).toEqual(["DROP USER IF EXISTS 'dba'@'%'"]);
    });
    it('a non-admin level holding PROCESS is reset', () => {
      const plan = planUserChanges([ro], [ro], {
        ...iam,
        live: [{ ...exactAdmin, name: 'reporting', privileges: ['SELECT'], grantOption: false }],
      });
      expect(plan.statements.map((s) => s.sql)).toEqual(["REVOKE ALL PRIVILEGES, GRANT OPTION FROM 'reporting'@'%'", "GRANT SELECT ON `app`.* TO 'reporting'@'%'"]);
      expect(plan.revokedExtras).toEqual([{ user: 'reporting', grant: 'PROCESS ON *.*' }]);
    });
  });

  describe('rejects hostile or reserved identifiers before planning anything', () => {
    const hostileUsers = [
      "x'@'%' IDENTIFIED BY 'pw", 'a`b', 'robert"); DROP TABLE students;--', 'name with space', 'ä', '', '1abc',
      'a'.repeat(33), 'root', 'ADMIN', 'rdsadmin', 'rdsproxyadmin', 'rdsrepladmin', 'mysql.sys', 'mysql.session',
      'app\u0000x', 'app\nx', 'app%', 'app_', // (app_ is valid: kept as a control below)
    ].filter((n) => n !== 'app_');
    it.each(hostileUsers)('user name %j', (name) => {
      expect(() => planUserChanges([], [{ name, access: 'read-only' }], iam)).toThrow(/user name/);
    });
    it.each(['app`; DROP DATABASE x; --', 'app.db', '1app', 'a'.repeat(65), 'mysql', 'INFORMATION_SCHEMA', 'sys', 'performance_schema', '%', 'app\\'])(
      'database name %j', (databaseName) => {
        expect(() => planUserChanges([], [ro], { ...iam, databaseName })).toThrow(/[Dd]atabase name/);
      });
    it('unknown access level, duplicate users, hostile PAM service, hostile previous users', () => {
      expect(() => planUserChanges([], [{ name: 'a', access: 'superuser' as never }], iam)).toThrow(/access level/);
      expect(() => planUserChanges([], [ro, { name: 'Reporting', access: 'read-write' }], iam)).toThrow(/Duplicate/);
      expect(() => planUserChanges([], [ro], { databaseName: 'app', authentication: { kind: 'pam', service: "x' OR '1" } })).toThrow(/PAM service/);
      expect(() => planUserChanges([{ name: "root'@'%", access: 'read-only' }], [ro], iam)).toThrow(/user name/);
    });
    it('accepts the valid edge cases', () => {
      expect(() => planUserChanges([], [{ name: 'app_', access: 'read-only' }, { name: `_${'a'.repeat(31)}`, access: 'read-only' }, { name: 'mysql_reader', access: 'read-only' }], { ...iam, databaseName: `a${'b'.repeat(63)}` })).not.toThrow();
    });
  });
});
