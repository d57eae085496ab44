#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
import { registerStartupHooks } from './startup-hooks.js';

// Scaffolding loads projen and Yeoman: caching their compiled code halves later start-ups.
enableCompileCache?.();
registerStartupHooks();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
