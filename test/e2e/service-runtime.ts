import { spawn } from 'node:child_process';
import { cpSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
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
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: runtime, env });
  cpSync(join(appDir, 'dist'), join(runtime, 'dist'), { recursive: true });
  return runtime;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
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
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/server.js'], {
    cwd: runtimeDir,
    env: {
      PATH: env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
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
    const url = `http://127.0.0.1:${port}`;
    const healthz = await poll(`${url}/healthz`);
    const readyz = (await fetch(`${url}/readyz`)).status;
    child.kill('SIGTERM');
    return { healthz, readyz, exitCode: await exited, output };
  } finally {
    child.kill('SIGKILL');
  }
}

async function poll(url: string): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return (await fetch(url)).status;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`${url} did not answer within 10 s`);
}
