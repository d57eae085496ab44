import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { javascript } from 'projen';
import ts from 'typescript';
import { parseAnswers, withDefaults } from '../../src/answers/index.js';
import { PACKAGE_ROOT } from '../../src/package-info.js';
import { renderProjenrc } from '../../src/project/index.js';

/** Type errors of a rendered `.projenrc.ts`, with this package's sources standing in for the installed one. */
function typeErrors(source: string): string[] {
  const file = join(mkdtempSync(join(tmpdir(), 'projenrc-')), '.projenrc.ts');
  writeFileSync(file, source);
  const program = ts.createProgram([file], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    baseUrl: PACKAGE_ROOT,
    paths: { 'create-rds-iam-stack': ['src/index.ts'], 'projen': ['node_modules/projen'] },
    typeRoots: [join(PACKAGE_ROOT, 'node_modules/@types')],
  });
  return ts
    .getPreEmitDiagnostics(program, program.getSourceFile(file))
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('renderProjenrc', () => {
  const answers = parseAnswers(withDefaults({ name: 'orders-db' }));

  test.each([javascript.NodePackageManager.NPM, javascript.NodePackageManager.PNPM, javascript.NodePackageManager.YARN_BERRY])(
    'the rendered .projenrc.ts type-checks with package manager %s',
    (packageManager) => {
      const source = renderProjenrc(answers, { packageManager });
      expect(typeErrors(source)).toEqual([]);
    },
  );

  test('operators are written as a list that type-checks; none are left out', () => {
    const arn = "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_DBA_0123abcd";
    const withOperators = parseAnswers(withDefaults({ name: 'orders-db', databaseUsers: ['app:read-write', 'dba:admin'], operators: [arn] }));
    const source = renderProjenrc(withOperators);
    expect(source).toContain(`  operators: [\n    '${arn}',\n  ],`);
    expect(typeErrors(source)).toEqual([]);
    expect(renderProjenrc(answers)).not.toContain('operators');
  });

  test('a package manager other than npm is named through a value import of projen', () => {
    const source = renderProjenrc(answers, { packageManager: javascript.NodePackageManager.PNPM });
    expect(source).toContain("import { javascript } from 'projen';");
    expect(source).toContain('packageManager: javascript.NodePackageManager.PNPM,');
  });
});
