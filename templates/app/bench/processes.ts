/**
 * The processes of the bench: each server under test and the load generator run in processes of
 * their own, so none shares an event loop with another or with the bench's bookkeeping. The service
 * runs as in its image (`npm run build`, then `node dist/server.js`, NODE_ENV=production); its JSON
 * log lines go to a pipe read here (counted, like a container's log driver would), and its resident
 * memory and CPU time are read from /proc.
 */
import { execFileSync, fork, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { LoadOptions, LoadResult } from './load.js';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  /** Bytes the process wrote to stdout (its log) so far. */
  logBytes(): number;
  /** Resident set size in MB (VmRSS). */
  rssMb(): Promise<number>;
  /** CPU time the process has used (user + system), in ms: its cost per request does not depend on how busy the machine is. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** CPU time a process has used (user + system, all its threads), in ms. */
async function cpuMsOf(pid: number): Promise<number> {
  // /proc/<pid>/stat: utime and stime (fields 14 and 15) in clock ticks of 10 ms (USER_HZ = 100 on Linux).
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** Starts `node [...args]`; `port` extracts the listening port from a stdout line. */
async function start(args: readonly string[], env: Record<string, string>, port: (line: string) => number | undefined): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let bytes = 0;
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    child.stdout!.on('data', (chunk: Buffer) => (bytes += chunk.length));
    const onLine = (line: string) => {
      const found = port(line);
      if (found !== undefined) {
        lines.off('line', onLine);
        lines.close();
        // Keep draining (and counting) the pipe, like a log driver.
        child.stdout!.resume();
        resolve(`http://127.0.0.1:${found}`);
      }
    };
    lines.on('line', onLine);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code} before listening`)));
  });
  return {
    url,
    pid: child.pid!,
    logBytes: () => bytes,
    async rssMb() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    },
    cpuMs: () => cpuMsOf(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Compiles the service as its image does (`npm run build`: src/ to dist/). */
export function buildService(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
}

/** The compiled service (dist/server.js) with the given environment; PORT=0 and the port from its `listening` line. */
export function startService(env: Record<string, string>): Promise<ServerProcess> {
  return start(['dist/server.js'], { NODE_ENV: 'production', ...env, PORT: '0', HOST: '127.0.0.1' }, (line) => {
    try {
      const entry = JSON.parse(line) as { msg?: string; port?: number };
      return entry.msg === 'listening' ? entry.port : undefined;
    } catch {
      return undefined;
    }
  });
}

export function startReference(kind: 'express' | 'fastify'): Promise<ServerProcess> {
  return start(['--import', 'tsx', 'bench/reference-servers.ts', kind], { NODE_ENV: 'production' }, (line) => (line.startsWith('{"port"') ? (JSON.parse(line) as { port: number }).port : undefined));
}

export interface LoadGenerator {
  run(options: LoadOptions): Promise<LoadResult>;
  /** CPU time the load generator has used (all its threads), in ms: shows when it, not the server, is the limit. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

/** The load generator (bench/load.ts) in its own process; one measurement at a time. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const child = fork('bench/load.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const next = () => new Promise<{ ready?: true; result?: LoadResult; error?: string }>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`the load generator exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message: { ready?: true; result?: LoadResult; error?: string }) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
  await next();
  return {
    async run(options) {
      const reply = next();
      child.send(options);
      const { result, error } = await reply;
      if (!result) throw new Error(`load generator: ${error ?? 'no result'}`);
      return result;
    },
    cpuMs: () => cpuMsOf(child.pid!),
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
