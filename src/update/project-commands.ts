import { spawn } from 'node:child_process';
import { PACKAGE_NAME } from '../package-info.js';

/** How each of projen's package managers adds a development dependency. */
const ADD_DEV_DEPENDENCY: Record<string, readonly string[]> = {
  npm: ['npm', 'install', '--save-dev', '--no-audit', '--no-fund'],
  pnpm: ['pnpm', 'add', '--save-dev'],
  yarn_classic: ['yarn', 'add', '--dev'],
  yarn_berry: ['yarn', 'add', '--dev'],
  yarn: ['yarn', 'add', '--dev'],
  bun: ['bun', 'add', '--dev'],
};

/** A step after the files are written failed: they stay written, and the message says how to finish. */
export class FinishingStepError extends Error {
  constructor(step: string, detail: string) {
    super(`The owned files are updated, but \`${step}\` failed (${detail}). Fix the cause and run it again, then \`npx projen\`.`);
    this.name = 'FinishingStepError';
  }
}

/**
 * The project installs the running version (or `packageSource`), so that `npx projen` renders the
 * managed files, and the record, with the version the owned files now come from.
 */
export async function installAndRunProjen(
  projectDir: string,
  packageManager: string | undefined,
  dependencySpec: string,
): Promise<void> {
  const [command, ...args] = ADD_DEV_DEPENDENCY[packageManager ?? 'npm'] ?? ADD_DEV_DEPENDENCY.npm!;
  await run(projectDir, command!, [...args, `${PACKAGE_NAME}@${dependencySpec}`]);
  // Under CI projen would insist on a frozen install, which a dependency change cannot satisfy.
  await run(projectDir, 'npx', ['projen'], { CI: 'false' });
}

/**
 * The environment of the project's own commands: the caller's without `NODE_ENV`. Under
 * `NODE_ENV=test` projen renders into a new temporary directory instead of the project, silently;
 * under `NODE_ENV=production` npm leaves out the development dependencies, projen among them.
 */
export function projectCommandEnv(callerEnv: NodeJS.ProcessEnv, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_ENV: _callersMode, ...env } = callerEnv;
  return { ...env, ...overrides };
}

function run(cwd: string, command: string, args: readonly string[], env: Record<string, string> = {}): Promise<void> {
  const shown = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: 'inherit', env: projectCommandEnv(process.env, env) });
    child.once('error', (error) => reject(new FinishingStepError(shown, error.message)));
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new FinishingStepError(shown, signal ? `signal ${signal}` : `exit code ${code}`)),
    );
  });
}
