import { enableCompileCache } from 'node:module';
import { warmUpRenderer } from './prerender-warm-up.js';
import { registerStartupHooks } from './startup-hooks.js';

// Colours only on a terminal and never under NO_COLOR: set before any colour library loads (some
// decide at import time, from the environment alone), and passed on to npm, git and projen.
if (process.env.NO_COLOR || !process.stdout.isTTY || !process.stderr.isTTY) process.env.FORCE_COLOR = '0';
// Scaffolding loads projen and Yeoman: caching their compiled code halves later start-ups.
enableCompileCache?.();
registerStartupHooks();
if (!process.argv.slice(2).some((arg) => ['--help', '-h', '--version', '-v'].includes(arg))) warmUpRenderer();
const { main } = await import('./main.js');
const exitCode = await main(process.argv.slice(2));
// After an interrupt nothing may keep the process (a child's pipe, a worker) alive.
if (exitCode > 128) process.exit(exitCode);
process.exitCode = exitCode;
