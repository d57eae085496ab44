import * as projen from 'projen';
import * as parts from '../../src/project/projen-modules.js';

// The project type imports projen's parts from their own modules (src/project/projen-modules.ts):
// a projen release that moves one fails here, not in a scaffold.
test('each part of projen the project type imports is the one projen exports', () => {
  expect(parts.awscdk.AwsCdkTypeScriptApp).toBe(projen.awscdk.AwsCdkTypeScriptApp);
  expect(parts.Component).toBe(projen.Component);
  expect(parts.FileBase).toBe(projen.FileBase);
  expect(parts.JsonFile).toBe(projen.JsonFile);
  for (const name of ['github', 'javascript', 'typescript'] as const) {
    const namespace = parts[name] as Record<string, unknown>;
    const expected = Object.entries(projen[name]);
    expect(expected.length).toBeGreaterThan(0);
    for (const [key, value] of expected) expect([name, key, namespace[key]]).toEqual([name, key, value]);
  }
});
