/**
 * The generated project's task that writes the stack template's snapshot where none exists yet. The
 * scaffold runs it after installing, so that the first commit holds everything the generated CI
 * checks (CI refuses a missing snapshot). A module of its own: the generator loads no projen.
 */
export const TEMPLATE_SNAPSHOT_TASK = 'test:snapshot';

/** The generated project's task that connects an operator to a stage's database (src/operator/db-connect.ts). */
export const DB_CONNECT_TASK = 'db:connect';
