#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { warmUpRenderer } from './prerender-warm-up.js';
import { registerStartupHooks } from './startup-hooks.js';

// Scaffolding loads projen and Yeoman: caching their compiled code halves later start-ups.
enableCompileCache?.();
registerStartupHooks();
const scaffolding = process.argv[2] !== 'update';
if (scaffolding && !process.argv.slice(2).some((arg) => ['--help', '-h', '--version', '-v'].includes(arg))) warmUpRenderer();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
