export * from './rds-iam-stack-project.js';
export { STACK_CONFIG_PATH, renderStackConfig } from './stack-config-file.js';
export { stackNameOf } from './stack-name.js';
export { GENERATED_VERSIONS } from './versions.js';
export { renderProjenrc, type ProjenrcExtras } from './projenrc-source.js';
export { DB_CONNECT_TASK, TEMPLATE_SNAPSHOT_TASK } from './task-names.js';
export { ProjenrcOptionsError, projenrcField } from './projenrc-options-error.js';
