import { unsupportedNodeMessage } from '../../src/supported-node.js';

describe('the Node.js version rule of the CLI and the library entry', () => {
  test.each(['20.19.5', '22.17.1', '18.0.0'])('Node.js %s gets one line naming both versions', (version) => {
    expect(unsupportedNodeMessage(version)).toBe(
      `create-rds-iam-stack needs Node.js 22.18 or newer; this is Node.js ${version}. Install a current Node.js (https://nodejs.org) and run it again.`,
    );
  });

  test.each(['22.18.0', '22.20.1', '24.11.0', '25.0.0'])('Node.js %s is supported', (version) => {
    expect(unsupportedNodeMessage(version)).toBeUndefined();
  });
});
