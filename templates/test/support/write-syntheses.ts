/**
 * Writes this run's shared syntheses (see assemblies.ts) into DIR, one `<key>.json` per config and
 * per named fixture (fixtures.ts): its templates and cdk-nag findings, or the message its synthesis
 * threw. Run by assemblies.ts under tsx, not by jest.
 *
 *   node --import tsx test/support/write-syntheses.ts DIR
 *
 * One process synthesizes them all: a second one loads the stack's code again, which costs more
 * than it saves (2 cores, busy: two processes took 25-27 s CPU and 20-30 s wall, one 18-20 s and
 * 17-27 s, alternating runs, before the shared bundle below).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedSyntheses, synthesisKey } from './assemblies.js';
import { fixtureKeys, fixtures } from './fixtures.js';
import { build, synthesisRecord } from './synth.js';

const [dir] = process.argv.slice(2);
if (!dir) throw new Error('usage: write-syntheses.ts DIR');

// One cloud assembly directory for every app: aws-cdk-lib caches a bundle per asset and output
// directory, so the Lambda is bundled once, not once per config. Each template is read right after
// its own synthesis, before the next app overwrites the files.
const outdir = join(dir, 'cdk.out');

for (const { config, options } of sharedSyntheses()) {
  writeFileSync(join(dir, `${synthesisKey(config, options)}.json`), JSON.stringify(synthesisRecord(() => build(config, options, {}, { outdir }))));
}
for (const { name, key } of fixtureKeys) {
  writeFileSync(join(dir, `${key}.json`), JSON.stringify(synthesisRecord(() => fixtures[name]({ outdir }))));
}
