import { spawnSync, type SpawnSyncOptions } from 'node:child_process';

/** Runs a command, streaming nothing; on failure throws with the command, exit code and output tail. */
export function run(command: string, args: readonly string[], options: SpawnSyncOptions & { cwd: string }): string {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    const tail = output.split('\n').slice(-80).join('\n');
    throw new Error(`\`${command} ${args.join(' ')}\` in ${options.cwd} exited ${result.status ?? result.signal}:\n${tail}`);
  }
  return output;
}
