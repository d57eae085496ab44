/**
 * The templates and cdk-nag findings of a config or a named fixture (fixtures.ts), for test files
 * that read nothing else. Unlike synth.ts, this module does not load the stack's code (aws-cdk-lib's
 * construct libraries, cdk-nag): that costs a test file ~0.5 s of CPU, and a shared synthesis
 * (assemblies.ts) needs none of it. Only with `SHARED_SYNTHESES=off` does it load synth.ts and
 * fixtures.ts, to synthesize in-process.
 */
import { readRecord, type SharedTemplates, sharedFixtureTemplates, sharedTemplates, type SynthOptions } from './assemblies.js';
import type { FixtureName } from './fixtures.js';
import type { StackConfig } from '../../src/stack-config.js';

const inProcess = process.env.SHARED_SYNTHESES === 'off' ? { ...(await import('./synth.js')), ...(await import('./fixtures.js')) } : undefined;

/** `synthesize(config, options)` (synth.ts) without the construct tree: read from the run's shared syntheses. */
export function templatesOf(config: StackConfig, options: SynthOptions = {}): SharedTemplates {
  const shared = sharedTemplates(config, options);
  if (shared) return shared;
  if (inProcess) return inProcess.synthesize(config, options);
  throw new Error(
    `${config.projectName} (recommended flags: ${options.recommendedFlags ?? false}) is not a shared synthesis: add it to configs.ts (support/README.md), or use synthesize() from synth.ts`,
  );
}

const fixturesHere = new Map<FixtureName, SharedTemplates>();

/** A named fixture's templates and cdk-nag findings, from the run's shared syntheses (with `SHARED_SYNTHESES=off`, synthesized here once per file). */
export function fixtureTemplatesOf(name: FixtureName): SharedTemplates {
  if (!inProcess) return sharedFixtureTemplates(name);
  let here = fixturesHere.get(name);
  if (!here) {
    here = readRecord(inProcess.synthesisRecord(() => inProcess.fixtures[name]()));
    fixturesHere.set(name, here);
  }
  return here;
}
