#!/usr/bin/env node
// This module must load on any Node: it imports nothing, so that an old Node gets one line saying
// so instead of a SyntaxError from an API it lacks (Yeoman needs ^22.18). Built next to the CLI's
// bundle, lib/cli/start.js, which it loads only after the check.
const REQUIRED = [22, 18] as const;
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1])) {
  process.stderr.write(
    `create-rds-iam-stack needs Node.js ${REQUIRED.join('.')} or newer; this is Node.js ${process.versions.node}. ` +
      'Install a current Node.js (https://nodejs.org) and run it again.\n',
  );
  process.exit(1);
}
await import('./start.js');
export {};
