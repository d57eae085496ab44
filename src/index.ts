// First: on an unsupported Node this stops with one line before anything else loads.
import './require-supported-node.js';
export * from './answers/index.js';
export * from './project/index.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './package-info.js';
