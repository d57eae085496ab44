import { unsupportedNodeMessage } from './supported-node.js';

// The library entry's first import: on an older Node, .projenrc.ts stops with the rule in one line.
const unsupported = unsupportedNodeMessage();
if (unsupported) throw new Error(unsupported);
