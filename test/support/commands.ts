import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { basename } from 'node:path';

/**
 * Runs a command without streaming its output; on failure throws with the command, exit code and
 * output tail. One line on stderr when it starts and one when it ends, so that a suite of installs,
 * builds and synths shows where it is.
 */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }): string {
  const label = `${command} ${args.join(' ')}`.replace(/\s+/g, ' ');
  const step = `${label.length > 120 ? `${label.slice(0, 117)}...` : label} (in ${basename(options.cwd)})`;
  progress(`> ${step}`);
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  progress(`${result.status === 0 ? 'ok' : 'FAILED'} ${step}, ${Math.round((Date.now() - started) / 1000)} s`);
  if (result.status !== 0) {
    const tail = output.split('\n').slice(-80).join('\n');
    throw new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} exited ${result.status ?? result.signal}:\n${tail}`);
  }
  return output;
}

/** A progress line, straight to stderr (jest would hold console output until the file is done). */
export function progress(line: string): void {
  process.stderr.write(`[e2e ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
