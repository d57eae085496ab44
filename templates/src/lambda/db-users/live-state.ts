/**
 * Reads what the server currently holds for the managed accounts, so the planner can reconcile
 * against reality: a second run with the same configuration plans zero statements, and drift, a
 * half-applied earlier run or a hand-made account is repaired or refused.
 *
 * Every privilege level is read, not only the application schema's: global, schema, table, column,
 * routine, proxy and role grants, and same-name accounts at other hosts. The sources are the grant
 * tables and information_schema views that MySQL 8.4 and MariaDB (tests) share, rather than parsed
 * SHOW GRANTS text; sources only one of them has (roles, dynamic privileges) are read when present.
 */
import mysql from 'mysql2';
import { ACCOUNT_HOST, grantSchemaPattern, type ExtraGrant, type LiveState, type LiveUser } from './planner.js';
import type { SqlConnection } from './sql-connection.js';

interface AccountRow { User: string; Host: string; plugin: string; authentication_string: string; ssl_type: string }
interface GranteeRow {
  GRANTEE: string;
  PRIVILEGE_TYPE: string;
  IS_GRANTABLE: string;
  TABLE_SCHEMA?: string;
  TABLE_NAME?: string;
  COLUMN_NAME?: string;
}
interface OwnedRow { User: string; Host: string; [column: string]: unknown }

/**
 * One privilege source per level. `grantee` sources are information_schema views keyed by
 * `'user'@'host'`; `owned` sources are mysql.* grant tables keyed by their user and host columns.
 */
type Source =
  | { readonly kind: 'grantee'; readonly view: string; readonly columns: string; readonly toGrant: (row: GranteeRow) => ExtraGrant | 'schema' | undefined }
  | {
    readonly kind: 'owned';
    readonly table: string;
    /** Grantee columns of that table. */
    readonly user: string;
    readonly host: string;
    readonly columns: string;
    /** Only one server flavour has this mysql.* table: the source is skipped where it does not exist. */
    readonly needs?: string;
    /** Constant condition on the row, e.g. a non-empty column. */
    readonly where?: string;
    readonly toGrant: (row: OwnedRow) => ExtraGrant | undefined;
  };

function sources(schemaPattern: string): readonly Source[] {
  return [
    {
      kind: 'grantee',
      view: 'USER_PRIVILEGES',
      columns: '',
      // USAGE means "no privileges"; the planner decides which other global ones the level expects.
      // Global GRANT OPTION shows as IS_GRANTABLE on every global row: never expected.
      toGrant: (r) => (r.PRIVILEGE_TYPE === 'USAGE' && r.IS_GRANTABLE !== 'YES'
        ? undefined
        : { level: 'global', privilege: r.PRIVILEGE_TYPE, ...(r.IS_GRANTABLE === 'YES' ? { grantable: true } : {}) }),
    },
    {
      kind: 'grantee',
      view: 'SCHEMA_PRIVILEGES',
      columns: ', TABLE_SCHEMA',
      toGrant: (r) => (r.TABLE_SCHEMA === schemaPattern ? 'schema' : { level: 'schema', schema: r.TABLE_SCHEMA!, privilege: r.PRIVILEGE_TYPE }),
    },
    {
      kind: 'grantee',
      view: 'TABLE_PRIVILEGES',
      columns: ', TABLE_SCHEMA, TABLE_NAME',
      toGrant: (r) => ({ level: 'table', schema: r.TABLE_SCHEMA!, table: r.TABLE_NAME!, privilege: r.PRIVILEGE_TYPE }),
    },
    {
      kind: 'grantee',
      view: 'COLUMN_PRIVILEGES',
      columns: ', TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME',
      toGrant: (r) => ({ level: 'column', schema: r.TABLE_SCHEMA!, table: r.TABLE_NAME!, column: r.COLUMN_NAME!, privilege: r.PRIVILEGE_TYPE }),
    },
    {
      kind: 'owned',
      table: 'procs_priv',
      user: 'User',
      host: 'Host',
      columns: 'Db, Routine_name, Routine_type, Proc_priv',
      toGrant: (r) => ({ level: 'routine', schema: String(r.Db), routine: `${String(r.Routine_type)} ${String(r.Routine_name)}`, privilege: String(r.Proc_priv) }),
    },
    {
      kind: 'owned',
      table: 'proxies_priv',
      user: 'User',
      host: 'Host',
      columns: 'Proxied_user, Proxied_host',
      toGrant: (r) => ({ level: 'proxy', user: String(r.Proxied_user), host: String(r.Proxied_host) }),
    },
    // MySQL 8.4: roles are accounts (user@host) granted through role_edges; dynamic privileges.
    {
      kind: 'owned',
      table: 'role_edges',
      needs: 'role_edges',
      user: 'TO_USER',
      host: 'TO_HOST',
      columns: 'FROM_USER, FROM_HOST',
      toGrant: (r) => ({ level: 'role', role: String(r.FROM_USER), host: String(r.FROM_HOST) }),
    },
    {
      kind: 'owned',
      table: 'default_roles',
      needs: 'default_roles',
      user: 'USER',
      host: 'HOST',
      columns: 'DEFAULT_ROLE_USER, DEFAULT_ROLE_HOST',
      toGrant: (r) => ({ level: 'default-role', role: String(r.DEFAULT_ROLE_USER), host: String(r.DEFAULT_ROLE_HOST) }),
    },
    {
      kind: 'owned',
      table: 'global_grants',
      needs: 'global_grants',
      user: 'USER',
      host: 'HOST',
      columns: 'PRIV',
      toGrant: (r) => ({ level: 'global', privilege: String(r.PRIV) }),
    },
    // MariaDB: roles have no host; the default role is a column of mysql.user.
    {
      kind: 'owned',
      table: 'roles_mapping',
      needs: 'roles_mapping',
      user: 'User',
      host: 'Host',
      columns: 'Role',
      toGrant: (r) => ({ level: 'role', role: String(r.Role) }),
    },
    {
      kind: 'owned',
      table: 'user',
      needs: 'roles_mapping',
      user: 'User',
      host: 'Host',
      columns: 'default_role',
      where: "default_role <> ''",
      toGrant: (r) => ({ level: 'default-role', role: String(r.default_role) }),
    },
  ];
}

export async function readLiveState(
  connection: SqlConnection,
  userNames: readonly string[],
  databaseName: string,
): Promise<LiveState> {
  if (userNames.length === 0) return { users: [], otherHostAccounts: [] };
  const names = [...userNames];
  const accounts = await connection.query<AccountRow>(
    mysql.format('SELECT User, Host, plugin, authentication_string, ssl_type FROM mysql.user WHERE User IN (?)', [names]),
  );
  const present = new Set(
    (await connection.query<{ TABLE_NAME: string }>(
      "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME IN ('role_edges', 'default_roles', 'global_grants', 'roles_mapping')",
    )).map((r) => r.TABLE_NAME),
  );
  const schemaPattern = grantSchemaPattern(databaseName);
  // GRANTEE is rendered as 'user'@'host'; names are validated (no quotes), so an exact match is safe.
  const grantees = names.map((name) => `'${name}'@'${ACCOUNT_HOST}'`);
  const extra = new Map<string, ExtraGrant[]>(names.map((n) => [n, []]));
  const onSchema = new Map<string, GranteeRow[]>(names.map((n) => [n, []]));

  for (const source of sources(schemaPattern)) {
    if (source.kind === 'grantee') {
      const rows = await connection.query<GranteeRow>(
        mysql.format(`SELECT GRANTEE, PRIVILEGE_TYPE, IS_GRANTABLE${source.columns} FROM information_schema.${source.view} WHERE GRANTEE IN (?)`, [grantees]),
      );
      for (const row of rows) {
        const name = names[grantees.indexOf(row.GRANTEE)]!;
        const grant = source.toGrant(row);
        if (grant === 'schema') onSchema.get(name)!.push(row);
        else if (grant) extra.get(name)!.push(grant);
        // GRANT OPTION at table/column level is reported per privilege; the grant itself is extra anyway.
      }
    } else {
      if (source.needs && !present.has(source.needs)) continue;
      // Table and column names are constants of this module; only the values are escaped.
      const rows = await connection.query<OwnedRow>(mysql.format(
        `SELECT ${source.user} AS User, ${source.host} AS Host, ${source.columns} FROM mysql.${source.table} WHERE ${source.user} IN (?) AND ${source.host} = ?${source.where ? ` AND ${source.where}` : ''}`,
        [names, ACCOUNT_HOST],
      ));
      for (const row of rows) {
        const grant = source.toGrant(row);
        if (grant) extra.get(row.User)?.push(grant);
      }
    }
  }

  const users: LiveUser[] = accounts
    .filter((row) => row.Host === ACCOUNT_HOST)
    .map((row) => {
      const mine = onSchema.get(row.User) ?? [];
      return {
        name: row.User,
        plugin: row.plugin,
        authenticationString: row.authentication_string,
        requiresSsl: ['ANY', 'X509', 'SPECIFIED'].includes(String(row.ssl_type).toUpperCase()),
        privileges: mine.map((p) => p.PRIVILEGE_TYPE),
        grantOption: mine.some((p) => p.IS_GRANTABLE === 'YES'),
        extraGrants: extra.get(row.User) ?? [],
      };
    });
  const otherHostAccounts = accounts.filter((row) => row.Host !== ACCOUNT_HOST).map((row) => ({ name: row.User, host: row.Host }));
  return { users, otherHostAccounts };
}
