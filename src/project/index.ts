export * from './rds-iam-stack-project.js';
export { STACK_CONFIG_PATH, renderStackConfig, stackNameOf } from './stack-config-file.js';
export { GENERATED_VERSIONS } from './versions.js';
export { renderProjenrc, type ProjenrcExtras } from './projenrc-source.js';
