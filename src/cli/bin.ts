#!/usr/bin/env node
// Built (lib/cli/bin.js) with the version check inlined and nothing else: an old Node gets one line
// instead of a SyntaxError from an API it lacks; the CLI's bundle, lib/cli/start.js, loads only after it.
import { unsupportedNodeMessage } from '../supported-node.js';

const unsupported = unsupportedNodeMessage();
if (unsupported) {
  process.stderr.write(`${unsupported}\n`);
  process.exit(1);
}
// The bundle, Yeoman and projen are compiled once and cached (in the temp dir) for later runs.
process.getBuiltinModule('node:module').enableCompileCache();
await import('./start.js');
