/**
 * The parts of projen the project type uses, each from its own module. projen's index (`from
 * 'projen'`) loads every project type it has (Java, Python, jsii, cdktn… with xmlbuilder2 and dax):
 * about 620 modules where the project type needs about 340, a cost every scaffold and every
 * `npx projen` of a generated project would pay. Types may still come from 'projen'.
 *
 * projen has no `exports` map: these are its published module paths, and
 * test/project/projen-modules.test.ts checks that each is what projen's index exports.
 */
export * as awscdk from 'projen/lib/awscdk/awscdk-app-ts.js';
export * as github from 'projen/lib/github/index.js';
export * as javascript from 'projen/lib/javascript/index.js';
export * as typescript from 'projen/lib/typescript/index.js';
export { Component } from 'projen/lib/component.js';
export { FileBase } from 'projen/lib/file.js';
export { JsonFile } from 'projen/lib/json.js';
