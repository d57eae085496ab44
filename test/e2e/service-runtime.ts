import { spawn } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { run } from '../support/commands.js';

/**
 * The runtime stage of the service's Dockerfile, assembled the same way without a Docker engine:
 * compiled JavaScript from a build with all dependencies, next to a production-only install of the
 * locked versions. Returns the directory to start `node dist/server.js` in.
 */
export function assembleRuntimeStage(appDir: string, workDir: string, env: NodeJS.ProcessEnv): string {
  run('npm', ['run', 'build'], { cwd: appDir, env });
  const runtime = join(workDir, 'app-runtime');
  mkdirSync(runtime);
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(appDir, file), join(runtime, file));
  // The Dockerfile's flags, but `npm install`: it keeps the locked versions, and unlike `npm ci` it accepts
  // a lockfile without other platforms' optional packages (e.g. @unrs/resolver-binding-*), which a
  // registry mirror may lack (see tools/dev).
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: runtime, env });
  cpSync(join(appDir, 'dist'), join(runtime, 'dist'), { recursive: true });
  return runtime;
}

export interface RuntimeProbe {
  readonly healthz: number;
  readonly readyz: number;
  readonly exitCode: number | null;
  readonly output: string;
}

/**
 * Starts the service as the image's CMD does, with settings like the task definition's (a proxy
 * endpoint that does not resolve), probes `/healthz` and `/readyz`, then stops it with SIGTERM.
 */
export async function probeRuntime(runtimeDir: string, env: NodeJS.ProcessEnv): Promise<RuntimeProbe> {
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: runtimeDir,
    env: {
      PATH: env.PATH,
      NODE_ENV: 'production',
      PORT: '0', // the service picks a free port and logs it
      HOST: '127.0.0.1',
      DB_HOST: 'proxy.invalid',
      DB_PORT: '3306',
      DB_NAME: 'app',
      DB_USER: 'app',
      DB_REGION: 'eu-west-1',
      DB_CONNECT_TIMEOUT_MS: '1000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = `http://127.0.0.1:${await listeningPort(child.stdout, exited, () => output)}`;
    const healthz = (await fetch(`${url}/healthz`)).status;
    const readyz = (await fetch(`${url}/readyz`)).status;
    child.kill('SIGTERM');
    return { healthz, readyz, exitCode: await exited, output };
  } finally {
    child.kill('SIGKILL');
  }
}

/** The port of the service's `listening` log line; fails if the service exits first or takes over 10 s. */
function listeningPort(stdout: Readable, exited: Promise<number | null>, output: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new Error(`the service ${why} before logging 'listening':\n${output()}`));
    };
    const timer = setTimeout(() => fail('took over 10 s'), 10_000);
    void exited.then((code) => fail(`exited with ${code}`));
    createInterface({ input: stdout }).on('line', (line) => {
      const port = line.includes('"msg":"listening"') ? /"port":(\d+)/.exec(line)?.[1] : undefined;
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
  });
}
