/**
 * onEvent handler for the DatabaseUsers custom resource (CDK Provider framework).
 *
 * Create/Update: validate -> read master secret -> connect (TLS, retries) -> read live state (every
 * privilege level) -> plan (refuses same-name accounts at other hosts) -> apply, each statement
 * bounded by the handler's own budget -> end the sessions of users whose rights were lowered ->
 * read live state again and fail unless every user holds exactly its configured access.
 * Delete: nothing; users and grants are retained with the database.
 * Any error propagates, so the Provider framework reports FAILED with the message: a deployment
 * never succeeds after an error.
 */
import type { CdkCustomResourceEvent, CdkCustomResourceResponse, Context } from 'aws-lambda';
import { readLiveState } from './live-state.js';
import { describeGrant, planUserChanges, validateUsers, type AuthenticationMethod, type DesiredUser, type LiveState, type PlanOptions, type UserChangePlan } from './planner.js';
import { DEFAULT_RETRY_POLICY, describeError, withRetries, type RetryPolicy } from './retry.js';
import { endSessions } from './sessions.js';
import type { MasterCredentials, SqlConnection } from './sql-connection.js';
import { validateDatabaseName, InvalidIdentifierError } from './validation.js';

/** Custom resource properties as written by the DatabaseUsers construct. */
export interface DatabaseUsersProperties {
  readonly DatabaseName: string;
  readonly Users: readonly { readonly Name: string; readonly Access: string }[];
}

export interface HandlerDependencies {
  /** Reads the RDS-managed master secret. */
  readonly getMasterCredentials: () => Promise<MasterCredentials>;
  /** Opens one connection with the master credentials; every statement on it is bounded by `statementTimeoutMs`. */
  readonly connect: (credentials: MasterCredentials, options: { readonly statementTimeoutMs: number }) => Promise<SqlConnection>;
  /**
   * Budget of one statement (a lock held by another session, e.g. FLUSH TABLES WITH READ LOCK, fails
   * the deployment after this long instead of running into the Lambda timeout). @default 10000
   */
  readonly statementTimeoutMs?: number;
  /**
   * The statement that ends another session. @default `KILL CONNECTION <id>`; on RDS the master user
   * has no KILL on other users' sessions and uses `CALL mysql.rds_kill(<id>)`.
   */
  readonly endSessionStatement?: (threadId: number) => string;
  readonly sleep: (ms: number) => Promise<void>;
  readonly authentication: AuthenticationMethod;
  readonly retryPolicy?: RetryPolicy;
  /** Receives secret-free progress lines. @default console.log */
  readonly log?: (message: string) => void;
}

/** Time kept in reserve for reporting back to CloudFormation after the last statement. */
const RESERVE_MS = 10_000;

export type OnEventHandler = (event: CdkCustomResourceEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => Promise<CdkCustomResourceResponse>;

function parseProperties(raw: Record<string, unknown> | undefined, label: string): { databaseName: string; users: DesiredUser[] } {
  if (!raw) throw new InvalidIdentifierError(`${label} are missing.`);
  const users = raw.Users;
  if (!Array.isArray(users) || users.length === 0) throw new InvalidIdentifierError(`${label}: Users must be a non-empty list.`);
  return {
    databaseName: validateDatabaseName(raw.DatabaseName),
    users: validateUsers(
      users.map((u: unknown) => {
        const entry = (typeof u === 'object' && u !== null ? u : {}) as { Name?: unknown; Access?: unknown };
        return { name: entry.Name, access: entry.Access };
      }),
      `${label}.Users`,
    ),
  };
}

function physicalId(databaseName: string): string {
  return `database-users:${databaseName}`;
}

export function createHandler(deps: HandlerDependencies): OnEventHandler {
  const log = deps.log ?? ((message: string) => console.log(message));
  const policy = deps.retryPolicy ?? DEFAULT_RETRY_POLICY;

  return async (event, context) => {
    if (event.RequestType === 'Delete') {
      const message = 'Delete: database users and grants are retained (left as they are in the database).';
      log(message);
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { Retained: 'true', Message: message } };
    }

    // Everything is validated before any secret is read or any connection is opened.
    const desired = parseProperties(event.ResourceProperties, 'ResourceProperties');
    const previous = event.RequestType === 'Update'
      ? parseProperties(event.OldResourceProperties, 'OldResourceProperties')
      : undefined;
    // Accounts are server-wide, so users this resource created are tracked across a database rename;
    // grants on a renamed-away database are left in place (retained, like on Delete).
    const previousUsers = previous?.users ?? [];
    // Plan once without live state: validates the whole input (auth mode included) up front.
    planUserChanges(previousUsers, desired.users, { databaseName: desired.databaseName, authentication: deps.authentication });

    const remainingMs = context ? () => context.getRemainingTimeInMillis() : () => Number.POSITIVE_INFINITY;
    const statementTimeoutMs = deps.statementTimeoutMs ?? 10_000;
    const credentials = await deps.getMasterCredentials();
    const connection = await withRetries(
      'Connecting to the database', () => deps.connect(credentials, { statementTimeoutMs }), policy, deps.sleep, log, context ? remainingMs : undefined,
    );
    const run = async <Row>(sql: string, what: string): Promise<Row[]> => {
      const left = remainingMs();
      if (left < statementTimeoutMs + RESERVE_MS) {
        throw new Error(`Stopped before ${what} (${sql}): ${left} ms of the Lambda's time left, less than one statement's budget of ${statementTimeoutMs} ms plus ${RESERVE_MS} ms.`);
      }
      try {
        return await connection.query<Row>(sql);
      } catch (error) {
        throw new Error(`${what} failed: ${sql}: ${describeError(error)}`);
      }
    };
    // Reads go through the same budget and time checks as the changes.
    const session: SqlConnection = { query: (sql) => run(sql, 'Reading the server state'), end: () => connection.end() };

    let plan: UserChangePlan;
    try {
      const names = [...new Set([...previousUsers, ...desired.users].map((u) => u.name))];
      const planFor = (live: LiveState, from: readonly DesiredUser[]): UserChangePlan => planUserChanges(from, desired.users, {
        databaseName: desired.databaseName,
        authentication: deps.authentication,
        live: live.users,
        otherHostAccounts: live.otherHostAccounts,
      } satisfies PlanOptions);
      plan = planFor(await readLiveState(session, names, desired.databaseName), previousUsers);
      for (const u of plan.unmanagedPrivileges) log(`Note: ${u.user} holds ${u.privilege} on ${desired.databaseName}, which has no access level here; resetting its privileges.`);
      for (const e of plan.revokedExtras) log(`Taking over ${e.user}: revoking ${e.grant}, which is not part of its access level.`);
      for (const statement of plan.statements) {
        log(`Applying: ${statement.sql}`);
        await run(statement.sql, `Statement for user ${statement.user} (${statement.kind})`);
      }
      const ended = await endSessions(connection, plan.endSessionsOf, deps.endSessionStatement);
      if (ended.count > 0) log(`Ended ${ended.count} session(s) of [${ended.users.join(', ')}] opened before their rights were lowered.`);

      // Never report success while an account holds more (or less) than configured.
      const after = await readLiveState(session, names, desired.databaseName);
      const remaining = planFor(after, desired.users);
      const stillThere = plan.dropped.filter((name) => after.users.some((u) => u.name === name));
      if (remaining.statements.length > 0 || stillThere.length > 0) {
        const extras = after.users.flatMap((u) => (u.extraGrants ?? []).map((g) => `${u.name}: ${describeGrant(g)}`));
        throw new Error(
          `After applying, the server still differs from the configuration: ${[...remaining.statements.map((s) => s.sql), ...stillThere.map((n) => `${n} still exists`), ...extras].join('; ')}`,
        );
      }
    } finally {
      await connection.end().catch(() => undefined);
    }

    const summary = `created [${plan.created.join(', ')}], changed [${plan.changed.join(', ')}], dropped [${plan.dropped.join(', ')}], unchanged [${plan.unchanged.join(', ')}]`;
    log(`${event.RequestType}: ${plan.statements.length} statement(s); ${summary}`);
    return {
      PhysicalResourceId: event.RequestType === 'Update' ? event.PhysicalResourceId : physicalId(desired.databaseName),
      Data: {
        StatementCount: String(plan.statements.length),
        Created: plan.created.join(','),
        Changed: plan.changed.join(','),
        Dropped: plan.dropped.join(','),
        Unchanged: plan.unchanged.join(','),
      },
    };
  };
}

let production: OnEventHandler | undefined;

/** Lambda entry point: wires the AWS dependencies on first use (not at import, so tests stay offline). */
export const handler: OnEventHandler = async (event, context) => {
  if (!production) {
    const { productionDependencies } = await import('./aws-dependencies.js');
    production = createHandler(productionDependencies());
  }
  return production(event, context);
};
