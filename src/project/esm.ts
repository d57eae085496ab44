import { javascript, type typescript } from './projen-modules.js';

/** Compiler options of an ESM TypeScript project on Node >= 22 (NodeNext resolution, `.js` imports). */
export const ESM_COMPILER_OPTIONS = {
  module: 'NodeNext',
  moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
  target: 'ES2023',
  lib: ['ES2023'],
  resolveJsonModule: true,
  esModuleInterop: true,
  skipLibCheck: true,
  // ts-jest needs it for NodeNext and then transpiles file by file; `typecheckTests` type-checks.
  isolatedModules: true,
} satisfies javascript.TypescriptConfigOptions['compilerOptions'];

/** Jest runs ESM only behind this flag (Node 24 keeps it experimental). */
export const ESM_JEST_ENV = { NODE_OPTIONS: '--experimental-vm-modules' } as const;

/** Jest settings for TypeScript ESM through ts-jest: `.js` specifiers map back to the `.ts` sources. */
export const ESM_JEST_CONFIG = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
} satisfies javascript.JestConfigOptions;

/** Marks a projen TypeScript project as ESM and lets its tests run as ESM. */
export function useEsm(project: typescript.TypeScriptProject): void {
  project.package.addField('type', 'module');
  for (const [name, value] of Object.entries(ESM_JEST_ENV)) project.testTask.env(name, value);
}
