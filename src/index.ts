export * from './answers/index.js';
export * from './project/index.js';
export { PACKAGE_NAME, PACKAGE_VERSION } from './package-info.js';
