import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Jest loads its global setup and teardown with Node's own resolver (no moduleNameMapper): they
// import no module of the project, so the variable's name is spelled out in both.

/** The environment variable naming this run's directory of shared syntheses. */
export const SHARED_SYNTHESES_DIR = 'SHARED_SYNTHESES_DIR';

/**
 * Jest's global setup: a fresh directory for this run's shared syntheses (assemblies.ts), named in
 * the environment that every test worker inherits. Nothing is synthesized until a test asks.
 */
export default function globalSetup(): void {
  process.env[SHARED_SYNTHESES_DIR] = mkdtempSync(join(tmpdir(), 'shared-syntheses-'));
}
