/**
 * Synthesize once, assert many: the shared syntheses of a test run (see README.md here).
 *
 * Synthesis (esbuild bundle + cdk-nag) and loading the stack's code cost seconds per test file,
 * and jest gives every file a fresh module registry. So the configs of `sharedSyntheses()` are
 * synthesized once per run, by child processes, into the directory that the global setup
 * (global-setup.ts) creates; every test file reads the templates from there. The first test file
 * that asks starts the synthesis, the others wait for it; a run without infrastructure tests
 * synthesizes nothing.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { focusedConfigs, variants } from './configs.js';
import { SHARED_SYNTHESES_DIR } from './global-setup.js';
import { type StackConfig, stackConfig } from '../../src/stack-config.js';

export interface SynthOptions {
  /** Use the feature flags a new CDK project (and projen's cdk.json) enables. */
  readonly recommendedFlags?: boolean;
}

export interface SharedSynthesis {
  readonly config: StackConfig;
  readonly options: SynthOptions;
}

const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const WRITER = join(PROJECT_ROOT, 'test/support/write-syntheses.ts');
/**
 * `SHARED_SYNTHESES=off` makes each test file synthesize only the configs it reads, in-process: for
 * one test file on its own (the scaffold writes the template snapshot so), where the shared
 * synthesis of every config would cost more than it saves.
 */
const SHARED_SYNTHESES = 'SHARED_SYNTHESES';
/** The longest a test file waits for another file's synthesis (a busy CI machine included). */
const WAIT_LIMIT_MS = 15 * 60_000;

/**
 * What a run synthesizes once: every variant with and without the recommended flags (the cdk-nag
 * checks cover both), the project's own config with the flags of its cdk.json, and the focused
 * configs with the default flags. Add a config your tests assert on here (through configs.ts) and
 * every test file shares its synthesis.
 */
export function sharedSyntheses(): SharedSynthesis[] {
  const both = Object.values(variants).flatMap((config) =>
    [false, true].map((recommendedFlags) => ({ config, options: { recommendedFlags } })),
  );
  const own = { config: stackConfig, options: { recommendedFlags: true } };
  const focused = Object.values(focusedConfigs).map((config) => ({ config, options: { recommendedFlags: false } }));
  const byKey = new Map([...both, own, ...focused].map((s) => [synthesisKey(s.config, s.options), s]));
  return [...byKey.values()];
}

/** File name of a synthesis: a hash of the config's content and the flag set. */
export function synthesisKey(config: StackConfig, options: SynthOptions = {}): string {
  const content = JSON.stringify([config, options.recommendedFlags ?? false]);
  return createHash('sha256').update(content).digest('hex').slice(0, 24);
}

/**
 * What the writer stores per synthesis: everything tests read from a synthesized app, so that they
 * need not load the stack's code or build its tree again; or the message synthesis failed with
 * (e.g. cdk-nag findings).
 */
export type SynthesisRecord =
  | {
    /** The app stack's template. */
    readonly template: Record<string, unknown>;
    /** The template of its us-east-1 companion (certificate, web firewall, access logs). */
    readonly edge: Record<string, unknown>;
    /** What `nagFindings(app)` (synth.ts) returns for the whole app. */
    readonly nagFindings: readonly string[];
  }
  | { readonly error: string };

/** A shared synthesis as tests read it. */
export interface SharedTemplates {
  readonly template: Template;
  readonly edge: Template;
  readonly nagFindings: readonly string[];
}

/** File name of a named fixture's synthesis (fixtures.ts). */
export function fixtureKey(name: string): string {
  return `fixture-${name}`;
}

/** A record as tests read it; throws what synthesis threw, so cdk-nag findings and invalid configs fail the test that reads them. */
export function readRecord(record: SynthesisRecord): SharedTemplates {
  if ('error' in record) throw new Error(record.error);
  return { template: Template.fromJSON(record.template), edge: Template.fromJSON(record.edge), nagFindings: record.nagFindings };
}

let sharedKeys: Set<string> | undefined;
const records = new Map<string, SharedTemplates>();

/**
 * The templates of a shared synthesis, read from this run's directory; `undefined` when `config` is
 * not one of `sharedSyntheses()` (synthesize it in-process, see synth.ts).
 */
export function sharedTemplates(config: StackConfig, options: SynthOptions = {}): SharedTemplates | undefined {
  if (process.env[SHARED_SYNTHESES] === 'off') return undefined;
  const key = synthesisKey(config, options);
  sharedKeys ??= new Set(sharedSyntheses().map((s) => synthesisKey(s.config, s.options)));
  return sharedKeys.has(key) ? readShared(key) : undefined;
}

/** The templates of a named fixture's shared synthesis (fixtures.ts), read from this run's directory. */
export function sharedFixtureTemplates(name: string): SharedTemplates {
  return readShared(fixtureKey(name));
}

function readShared(key: string): SharedTemplates {
  let shared = records.get(key);
  if (!shared) {
    shared = readRecord(JSON.parse(readFileSync(join(synthesizedDir(), `${key}.json`), 'utf8')) as SynthesisRecord);
    records.set(key, shared);
  }
  return shared;
}

/** This run's directory, with every shared synthesis written: the first caller runs the writer, the others wait. */
function synthesizedDir(): string {
  const dir = process.env[SHARED_SYNTHESES_DIR];
  if (!dir) {
    throw new Error(`${SHARED_SYNTHESES_DIR} is not set: run the tests through the project's jest config (npx projen test, or npx jest), whose global setup creates it`);
  }
  const done = join(dir, 'done');
  if (!existsSync(done)) {
    if (claim(join(dir, 'writer'))) runWriter(dir, done);
    else waitFor(done);
  }
  const failure = readFileSync(done, 'utf8');
  if (failure) throw new Error(`the shared synthesis failed:\n${failure}`);
  return dir;
}

/** Atomically claims the writer's role: mkdir fails for every caller but the first. */
function claim(path: string): boolean {
  try {
    mkdirSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

function runWriter(dir: string, done: string): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', WRITER, dir], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    // The writer is plain Node (tsx), not jest: no VM-modules flag.
    env: { ...process.env, NODE_OPTIONS: (process.env.NODE_OPTIONS ?? '').replace('--experimental-vm-modules', '') },
    maxBuffer: 64 * 1024 * 1024,
  });
  const failed = result.status !== 0 || result.error;
  // Written whole, then renamed: a waiting file never reads half a marker.
  writeFileSync(`${done}.partial`, failed ? `${result.error?.message ?? ''}${result.stdout}${result.stderr}` : '');
  renameSync(`${done}.partial`, done);
}

function waitFor(done: string): void {
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (!existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`the shared synthesis did not finish within ${WAIT_LIMIT_MS / 60_000} minutes`);
    Atomics.wait(sleeper, 0, 0, 100);
  }
}
