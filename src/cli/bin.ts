#!/usr/bin/env node
import { enableCompileCache } from 'node:module';

// Scaffolding loads projen and Yeoman: caching their compiled code halves later start-ups.
enableCompileCache?.();
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2));
