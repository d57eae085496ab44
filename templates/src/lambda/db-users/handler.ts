/**
 * onEvent handler for the DatabaseUsers custom resource (CDK Provider framework).
 *
 * Create/Update: validate -> read master secret -> connect (TLS, retries) -> read live state ->
 * plan -> apply. Delete: nothing; users and grants are retained with the database.
 * Any error propagates, so the Provider framework reports FAILED with the message: a deployment
 * never succeeds after an error.
 */
import type { CdkCustomResourceEvent, CdkCustomResourceResponse, Context } from 'aws-lambda';
import { readLiveUsers } from './live-state.js';
import { planUserChanges, validateUsers, type AuthenticationMethod, type DesiredUser, type UserChangePlan } from './planner.js';
import { DEFAULT_RETRY_POLICY, describeError, withRetries, type RetryPolicy } from './retry.js';
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
  /** Opens one connection with the master credentials. */
  readonly connect: (credentials: MasterCredentials) => Promise<SqlConnection>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly authentication: AuthenticationMethod;
  readonly retryPolicy?: RetryPolicy;
  /** Receives secret-free progress lines. @default console.log */
  readonly log?: (message: string) => void;
}

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

    const remainingMs = context ? () => context.getRemainingTimeInMillis() : undefined;
    const credentials = await deps.getMasterCredentials();
    const connection = await withRetries('Connecting to the database', () => deps.connect(credentials), policy, deps.sleep, log, remainingMs);

    let plan: UserChangePlan;
    try {
      const names = [...new Set([...previousUsers, ...desired.users].map((u) => u.name))];
      const live = await readLiveUsers(connection, names, desired.databaseName);
      plan = planUserChanges(previousUsers, desired.users, {
        databaseName: desired.databaseName,
        authentication: deps.authentication,
        live,
      });
      for (const u of plan.unmanagedPrivileges) log(`Note: ${u.user} holds ${u.privilege} on ${desired.databaseName}, not managed here; left as is.`);
      for (const statement of plan.statements) {
        log(`Applying: ${statement.sql}`);
        try {
          await connection.query(statement.sql);
        } catch (error) {
          throw new Error(`Statement for user ${statement.user} (${statement.kind}) failed: ${describeError(error)}`);
        }
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
