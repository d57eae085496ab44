import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/package-info.js';

const DEV = join(PACKAGE_ROOT, 'tools/dev');

function dev(args: string[], cwd = PACKAGE_ROOT) {
  const result = spawnSync(DEV, args, { cwd, encoding: 'utf8' });
  return { status: result.status, stderr: result.stderr };
}

describe('tools/dev scaffold', () => {
  test('refuses a directory inside the checkout, before packing or writing anything', () => {
    const result = dev(['scaffold', 'my-stack', '--yes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/directory "my-stack" is inside this checkout .*give a path outside it, e\.g\. \.\.\/my-stack/);
    expect(existsSync(join(PACKAGE_ROOT, 'my-stack'))).toBe(false);
  });

  test('refuses the checkout itself, reached by another path', () => {
    const result = dev(['scaffold', join(PACKAGE_ROOT, 'test', '..'), '--yes'], join(PACKAGE_ROOT, 'test'));
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is inside this checkout/);
  });

  test('wants the directory first', () => {
    const result = dev(['scaffold', '--yes']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/give the directory first, outside this checkout: tools\/dev scaffold \.\.\/my-stack/);
  });
});
