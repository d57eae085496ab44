import { PACKAGE_VERSION } from '../../src/package-info.js';
import { listFiles, normaliseVersions, readText, runGenerator } from '../support/generator.js';

/** Answer sets that cover the shapes of output: defaults, everything set, the largest region. */
const ANSWER_SETS = {
  'defaults': { yes: true, name: 'my-stack' },
  'three-users-alternative-proxy': {
    yes: true,
    name: '@acme/orders-db',
    region: 'eu-west-1',
    azCount: '3',
    dbName: 'orders',
    user: ['orders_app:read-write', 'reporting:read-only', 'migrator:schema-owner'],
    natGateways: 'single',
    multiAz: false,
    proxyAuth: 'iam-with-master-secret',
    githubRepo: 'acme/orders-db',
    domain: 'orders.example.com',
    alarmEmail: 'oncall@example.com',
  },
  'largest-region': { yes: true, name: 'wide', region: 'us-east-1', azCount: '6', user: ['svc:schema-owner'] },
} as const;

const KEY_FILES = ['.projenrc.ts', 'src/stack-config.ts', '.yo-rc.json'];

describe.each(Object.entries(ANSWER_SETS))('%s', (_label, options) => {
  let cwd: string;
  beforeAll(async () => {
    cwd = (await runGenerator(options)).cwd;
  });

  test('file list', () => {
    expect(listFiles(cwd)).toMatchSnapshot();
  });

  test.each(KEY_FILES)('%s', (file) => {
    expect(normaliseVersions(readText(cwd, file), PACKAGE_VERSION)).toMatchSnapshot();
  });
});

test('output is reproducible: two runs write identical files', async () => {
  const contents = (cwd: string) => listFiles(cwd).map((file) => [file, readText(cwd, file)]);
  // yeoman-test removes a run's directory when the next run starts: read the first one now.
  const first = contents((await runGenerator(ANSWER_SETS['three-users-alternative-proxy'])).cwd);
  const second = contents((await runGenerator(ANSWER_SETS['three-users-alternative-proxy'])).cwd);
  expect(second).toEqual(first);
});
