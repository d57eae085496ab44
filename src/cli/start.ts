// Colours only on a terminal and never under NO_COLOR: set before any colour library loads (some
// decide at import time, from the environment alone), and passed on to npm, git and projen.
if (process.env.NO_COLOR || !process.stdout.isTTY || !process.stderr.isTTY) process.env.FORCE_COLOR = '0';
const { main } = await import('./main.js');
const exitCode = await main(process.argv.slice(2));
// After an interrupt nothing may keep the process (a child's pipe) alive.
if (exitCode > 128) process.exit(exitCode);
process.exitCode = exitCode;
