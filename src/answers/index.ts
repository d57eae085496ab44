export * from './model.js';
export * from './questions.js';
export * from './regions.js';
export { ACCESS_LEVELS, ADMIN_ACCESS, OPERATOR_ACCESS, defaultHostedZoneName, MASTER_USERNAME, NAT_GATEWAY_MODES, PROXY_AUTH_MODES, RESERVED_USERNAMES } from './rules.js';
export * from './sources.js';
export * from './resolve.js';
export * from './stages.js';
export { INSTANCE_CLASS_SIZES, instanceClassProblem } from './instance-classes.js';
