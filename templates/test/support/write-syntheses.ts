/**
 * Writes this run's shared syntheses (see assemblies.ts) into DIR, one `<key>.json` per config:
 * its templates and cdk-nag findings, or the message its synthesis threw. Run by assemblies.ts under tsx, not by jest.
 *
 *   node --import tsx test/support/write-syntheses.ts DIR             one shard per core
 *   node --import tsx test/support/write-syntheses.ts DIR INDEX COUNT  every COUNT-th config from INDEX
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Template } from 'aws-cdk-lib/assertions';
import { type SynthesisRecord, sharedSyntheses, synthesisKey } from './assemblies.js';
import { build, nagFindings } from './synth.js';

const [dir, index, count] = process.argv.slice(2);
if (!dir) throw new Error('usage: write-syntheses.ts DIR [INDEX COUNT]');
const syntheses = sharedSyntheses();

if (index === undefined || count === undefined) {
  const shards = Math.max(1, Math.min(availableParallelism(), syntheses.length));
  await Promise.all(Array.from({ length: shards }, (_, shard) => runShard(shard, shards)));
} else {
  syntheses.forEach(({ config, options }, position) => {
    if (position % Number(count) !== Number(index)) return;
    let record: SynthesisRecord;
    try {
      const { app, stack } = build(config, options);
      record = { template: Template.fromStack(stack).toJSON(), edge: Template.fromStack(stack.edge).toJSON(), nagFindings: nagFindings(app) };
    } catch (error) {
      record = { error: error instanceof Error ? error.message : String(error) };
    }
    writeFileSync(join(dir, `${synthesisKey(config, options)}.json`), JSON.stringify(record));
  });
}

/** Each shard loads the stack's code once and synthesizes its share; output only on failure. */
function runShard(shard: number, shards: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), dir!, String(shard), String(shards)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`shard ${shard} of ${shards} exited with ${code}:\n${output}`))));
  });
}
