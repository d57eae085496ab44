import { cpSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_VERSION } from '../../src/package-info.js';
import { listFiles, readText, runGenerator } from '../support/generator.js';

const FULL_FLAGS = {
  name: 'orders-db',
  region: 'eu-west-1',
  azCount: '3',
  dbName: 'orders',
  user: ['orders_app:read-write', 'reporting:read-only', 'migrator:schema-owner', 'dba:admin'],
  appUser: 'orders_app',
  operator: ['arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_0123abcd', 'arn:aws:iam::123456789012:user/alice'],
  natGateways: 'single',
  multiAz: false,
  proxyAuth: 'iam-with-master-secret',
  githubRepo: 'acme/orders-db',
  domain: 'orders.example.com',
  alarmEmail: 'oncall@example.com',
  stage: ['dev', 'prod:222222222222:eu-central-1'],
  hostedZone: 'Z0123456789ABCDEFGHIJ',
  hostedZoneName: 'orders.example.com',
  internetEgress: true,
};

const storedAnswers = (dir: string) => JSON.parse(readText(dir, '.yo-rc.json'))['create-rds-iam-stack'].answers;

describe('flags', () => {
  test('every flag reaches the answers, .yo-rc.json and the config module', async () => {
    const result = await runGenerator(FULL_FLAGS);
    const answers = storedAnswers(result.cwd);
    expect(answers).toEqual({
      name: 'orders-db',
      region: 'eu-west-1',
      azCount: 3,
      databaseName: 'orders',
      databaseUsers: [
        { name: 'orders_app', access: 'read-write' },
        { name: 'reporting', access: 'read-only' },
        { name: 'migrator', access: 'schema-owner' },
        { name: 'dba', access: 'admin' },
      ],
      appUser: 'orders_app',
      operators: ['arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_0123abcd', 'arn:aws:iam::123456789012:user/alice'],
      internetEgress: true,
      natGateways: 'single',
      multiAz: false,
      proxyAuth: 'iam-with-master-secret',
      githubRepository: 'acme/orders-db',
      domainName: 'orders.example.com',
      stages: [
        { name: 'dev', profile: 'development' },
        { name: 'prod', account: '222222222222', region: 'eu-central-1', profile: 'production' },
      ],
      alarmEmail: 'oncall@example.com',
      hostedZone: 'Z0123456789ABCDEFGHIJ',
      hostedZoneName: 'orders.example.com',
    });
    const config = readText(result.cwd, 'src/stack-config.ts');
    expect(config).toContain("alarmEmail: 'oncall@example.com'");
    expect(readText(result.cwd, '.projenrc.ts')).toContain("alarmEmail: 'oncall@example.com',");
    expect(config).toContain("stackName: 'orders-db-prod',");
    expect(config).toContain("account: '222222222222',");
    expect(readText(result.cwd, '.projenrc.ts')).toContain("{ name: 'prod', account: '222222222222', region: 'eu-central-1', profile: 'production' },");
    // The README prices each stage from the package's table and names each account's CI-access stack.
    const readme = readText(result.cwd, 'README.md');
    expect(readme).toMatch(/\| `dev` \| `orders-db-dev` \| the deploying credentials' account \| `eu-west-1` \| development \| `db\.t4g\.medium`, single-AZ \|.*\| \$\d+ \|/);
    expect(readme).toMatch(/\| `prod` \| `orders-db-prod` \| `222222222222` \| `eu-central-1` \| production \|/);
    expect(readme).toContain('npx cdk deploy orders-db-ci-access-prod');
    expect(readme).toContain('gh variable set AWS_DEPLOY_ROLE_ARN_PROD --body "$(output orders-db-ci-access-prod DeployRoleArnProd)"');
    expect(config).toContain("availabilityZones: [\n    'eu-west-1a',\n    'eu-west-1b',\n    'eu-west-1c',\n  ]");
    expect(config).toContain("proxyAuth: 'iam-with-master-secret'");
    expect(config).toContain("hostedZone: {\n    id: 'Z0123456789ABCDEFGHIJ',\n    name: 'orders.example.com',\n  }");
    expect(config).toContain('internetEgress: true');
    expect(readText(result.cwd, '.projenrc.ts')).toContain("hostedZone: 'Z0123456789ABCDEFGHIJ',");
    expect(readText(result.cwd, '.projenrc.ts')).toContain("{ name: 'migrator', access: 'schema-owner' },");
    expect(readText(result.cwd, '.projenrc.ts')).toContain("  operators: [\n    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_0123abcd',\n    'arn:aws:iam::123456789012:user/alice',\n  ],");
    expect(config).toContain("operators: [\n    'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_0123abcd',");
    // The operator's command is a task of the project.
    expect(JSON.parse(readText(result.cwd, '.projen/tasks.json')).tasks['db:connect']).toMatchObject({ steps: [{ exec: 'tsx src/operator/db-connect-cli.ts', receiveArgs: true }] });
  });

  test('an invalid flag fails before anything is written', async () => {
    const run = runGenerator({ yes: true, region: 'eu-west-1', azCount: '5', user: ['root:read-only'] });
    await expect(run).rejects.toThrow(/reserved account/);
    expect(listFiles(run.targetDirectory!)).toEqual([]);
  });
});

describe('--yes without a TTY', () => {
  test('takes the defaults for everything unanswered', async () => {
    const result = await runGenerator({ yes: true, region: 'ap-southeast-2' });
    const answers = storedAnswers(result.cwd);
    expect(answers.region).toBe('ap-southeast-2');
    expect(answers.azCount).toBe(2);
    expect(answers.databaseUsers).toEqual([
      { name: 'app', access: 'read-write' },
      { name: 'app_migrator', access: 'schema-owner' },
    ]);
  });

  test('without --yes, fails listing the missing answers and writes nothing', async () => {
    const run = runGenerator({ interactive: false, region: 'eu-west-1' });
    await expect(run).rejects.toThrow(/Missing answers[\s\S]*--name[\s\S]*--az-count[\s\S]*--user NAME:ACCESS/);
    await expect(run).rejects.not.toThrow(/--region/);
    expect(listFiles(run.targetDirectory!)).toEqual([]);
  });
});

describe('prompts', () => {
  test('ask what is missing and use the replies', async () => {
    const result = await runGenerator(
      { interactive: true, region: 'eu-central-1' },
      {
        name: 'billing',
        azCount: '3',
        databaseName: 'billing',
        databaseUsers: 'billing_rw:read-write, auditor:read-only',
        appUser: 'billing_rw',
        natGateways: 'per-az',
        multiAz: true,
        proxyAuth: 'end-to-end-iam',
        githubRepository: 'acme/billing',
        domainName: '',
        alarmEmail: '',
      },
    );
    const answers = storedAnswers(result.cwd);
    expect(answers).toMatchObject({
      name: 'billing',
      region: 'eu-central-1',
      azCount: 3,
      databaseUsers: [
        { name: 'billing_rw', access: 'read-write' },
        { name: 'auditor', access: 'read-only' },
      ],
      githubRepository: 'acme/billing',
    });
    expect(answers).not.toHaveProperty('domainName');
  });

  test('an invalid reply is refused and nothing is written', async () => {
    const run = runGenerator({ interactive: true }, { name: 'x', databaseName: 'select' });
    await expect(run).rejects.toThrow(/database name \(--db-name\) "select" must not be a MySQL reserved word/);
    expect(listFiles(run.targetDirectory!)).toEqual([]);
  });
});

describe('answers file', () => {
  test('supplies answers; flags win over it', async () => {
    const file = answersFile(
      JSON.stringify({ region: 'eu-west-1', azCount: 3, databaseName: 'shop', databaseUsers: ['shop:read-write'] }),
    );
    const result = await runGenerator({ yes: true, region: 'us-west-2', answers: file });
    expect(storedAnswers(result.cwd)).toMatchObject({
      region: 'us-west-2',
      azCount: 3,
      databaseName: 'shop',
      databaseUsers: [{ name: 'shop', access: 'read-write' }],
      appUser: 'shop',
    });
  });

  test.each([
    ['{ not json', /is not valid JSON \(line 1, column 3\)/],
    ['[1, 2]', /must hold a JSON object/],
    ['{"region": "mars"}', /region \(in answers file "[^"]+answers.json"\) "mars" must be an AWS commercial region/],
    ['{"colour": "blue"}', /answer "colour" \(in answers file "[^"]+"\) "blue" is not a known answer/],
    ['{"__proto__": {"region": "eu-west-1"}}', /answer "__proto__" \(in answers file "[^"]+"\) \{"region":"eu-west-1"\} is not a known answer/],
    ['{"constructor": "x", "toString": 1}', /answer "constructor" [\s\S]* is not a known answer[\s\S]*answer "toString"/],
  ])('rejects %s, blaming the file', async (content, message) => {
    const file = answersFile(content);
    const run = runGenerator({ yes: true, answers: file });
    await expect(run).rejects.toThrow(message);
    expect(listFiles(run.targetDirectory!)).toEqual([]);
  });

  test('a bad value in the file is blamed on the file even when a flag overrides it', async () => {
    const run = runGenerator({ yes: true, region: 'eu-west-1', answers: answersFile('{"region": "mars"}') });
    await expect(run).rejects.toThrow(/region \(in answers file "[^"]+"\) "mars"/);
    await expect(run).rejects.not.toThrow(/--region/);
  });

  test('a cross-field problem is blamed on the file the value came from', async () => {
    const run = runGenerator({ yes: true, answers: answersFile('{"region": "eu-west-1", "azCount": 5}') });
    await expect(run).rejects.toThrow(/Availability Zone count \(in answers file "[^"]+"\) 5 must be at most 3/);
  });

  test('a file that is not JSON is refused without echoing its content', async () => {
    const secret = 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const run = runGenerator({ yes: true, answers: answersFile(`[default]\n${secret}\n`) });
    await expect(run).rejects.toThrow(/is not valid JSON/);
    await expect(run).rejects.not.toThrow(/wJalrXUtnFEMI|default\]/);
  });

  test('a byte-order mark is accepted', async () => {
    const result = await runGenerator({ yes: true, answers: answersFile('\uFEFF{"region": "eu-north-1"}') });
    expect(storedAnswers(result.cwd).region).toBe('eu-north-1');
  });

  test('values are shown shortened, invisible and look-alike characters as code points', async () => {
    const run = runGenerator({
      yes: true,
      answers: answersFile(JSON.stringify({ databaseName: `\u0430pp\u200b${'x'.repeat(300)}` })),
    });
    await expect(run).rejects.toThrow(/database name \(in answers file "[^"]+"\) "\\u\{0430\}pp\\u\{200B\}x+\.\.\. \(304 characters\) must be/);
    await expect(run).rejects.not.toThrow('x'.repeat(100));
  });

  test('a missing file is named in the error', async () => {
    await expect(runGenerator({ yes: true, answers: '/nonexistent/answers.json' })).rejects.toThrow(
      /Answers file \(--answers\) "\/nonexistent\/answers.json" cannot be read \(ENOENT\)/,
    );
  });
});

describe('.yo-rc.json', () => {
  /** The directory the CLI will write into (the generator renders elsewhere first), holding this `.yo-rc.json`. */
  const targetWithYoRc = (content: string) => {
    const target = mkdtempSync(join(tmpdir(), 'existing-'));
    writeFileSync(join(target, '.yo-rc.json'), content);
    return target;
  };

  test('supplies the answers of an earlier run', async () => {
    const stored = { 'create-rds-iam-stack': { answers: { region: 'eu-west-3', databaseName: 'kept' } } };
    const result = await runGenerator({ yes: true, existingTarget: targetWithYoRc(`\uFEFF${JSON.stringify(stored)}`) });
    expect(storedAnswers(result.cwd)).toMatchObject({ region: 'eu-west-3', databaseName: 'kept' });
  });

  test.each([
    ['{"create-rds-iam-stack": {"answers": {"__proto__": {"polluted": true}}}}', /answer "__proto__" \(in [^)]*\.yo-rc\.json\)/],
    ['{"create-rds-iam-stack": {"answers": {"constructor": 1}}}', /answer "constructor" \(in [^)]*\.yo-rc\.json\) 1 is not a known answer/],
    ['{"create-rds-iam-stack": {"answers": {"region": "mars"}}}', /region \(in [^)]*\.yo-rc\.json\) "mars"/],
    ['{"create-rds-iam-stack": {"answers": [1]}}', /Stored answers "[^"]*\.yo-rc\.json" must hold an object of answers/],
    ['password=hunter2', /Stored answers "[^"]*\.yo-rc\.json" is not valid JSON/],
  ])('is outside data: %s is refused naming the field and the file', async (content, message) => {
    const run = runGenerator({ yes: true, existingTarget: targetWithYoRc(content) });
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.not.toThrow(/hunter2|TypeError/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('project name from the directory', () => {
  test('a directory name that is not a package name gives the default, and says so', async () => {
    const run = runGenerator({ yes: true, displayDirectory: '/tmp/Bad_Name' });
    const result = await run;
    expect(storedAnswers(result.cwd).name).toBe('my-rds-iam-stack');
    expect(logged(result)).toMatch(/package name: my-rds-iam-stack \(the --name default; the directory name "Bad_Name" must be a valid npm package name \(name can no longer contain capital letters\)/);
  });
});

describe('existing target (files rendered elsewhere first)', () => {
  /** A target holding an earlier scaffold whose src/main.ts was edited. */
  async function editedTarget(): Promise<string> {
    const earlier = await runGenerator({ yes: true, name: 'orders' });
    // yeoman-test removes a run's directory when the next one starts.
    const target = mkdtempSync(join(tmpdir(), 'existing-'));
    cpSync(earlier.cwd, target, { recursive: true });
    writeFileSync(join(target, 'src/main.ts'), '// my own changes\n');
    return target;
  }

  test('without a terminal, an edited file is a conflict: refused, listed, nothing rendered further', async () => {
    const target = await editedTarget();
    const run = runGenerator({ yes: true, name: 'orders', existingTarget: target });
    await expect(run).rejects.toThrow(/1 existing file would be replaced with other content:\n  src\/main.ts\n.*--overwrite/);
    expect(readText(target, 'src/main.ts')).toBe('// my own changes\n');
  });

  test('--overwrite takes the new content', async () => {
    const target = await editedTarget();
    const result = await runGenerator({ yes: true, name: 'orders', existingTarget: target, overwrite: true });
    expect(readText(result.cwd, 'src/main.ts')).not.toContain('my own changes');
  });

  test('interactively, "keep" keeps the file as it is and "overwrite" replaces it', async () => {
    const target = await editedTarget();
    const kept = await runGenerator({ interactive: true, yes: true, name: 'orders', existingTarget: target }, { choice: 'keep' });
    expect(readText(kept.cwd, 'src/main.ts')).toBe('// my own changes\n');
    const replaced = await runGenerator({ interactive: true, yes: true, name: 'orders', existingTarget: target }, { choice: 'overwrite' });
    expect(readText(replaced.cwd, 'src/main.ts')).not.toContain('my own changes');
  });

  test('interactively, "show the difference" prints a diff and asks again', async () => {
    const target = await editedTarget();
    const choices = ['diff', 'keep'];
    const result = await runGenerator({ interactive: true, yes: true, name: 'orders', existingTarget: target }).withAnswers(
      {},
      { callback: (answer: unknown, { question }: { question: { name: string } }) => (question.name === 'choice' ? choices.shift() : answer) },
    );
    expect(choices).toEqual([]);
    expect(logged(result)).toMatch(/--- src\/main.ts \(yours\)\n\+\+\+ src\/main.ts \(new\)[\s\S]*-\/\/ my own changes/);
  });
});

describe('target directory', () => {
  test('a non-empty directory is refused without --force', async () => {
    const run = runGenerator({ yes: true }).doInDir((dir) => writeFileSync(join(dir, 'notes.txt'), 'mine'));
    await expect(run).rejects.toThrow(/must be empty or not exist; it holds notes.txt.*--force/);
    expect(listFiles(run.targetDirectory!)).toEqual(['notes.txt']);
  });

  test('--force writes next to existing files', async () => {
    const result = await runGenerator({ yes: true, allowNonEmptyTarget: true }).doInDir((dir) =>
      writeFileSync(join(dir, 'notes.txt'), 'mine'),
    );
    expect(readText(result.cwd, 'notes.txt')).toBe('mine');
    expect(existsSync(join(result.cwd, 'src/stack-config.ts'))).toBe(true);
  });
});

describe('output', () => {
  test('managed files are read-only, owned files are writable', async () => {
    const result = await runGenerator({ yes: true });
    const permissions = (path: string) => statSync(join(result.cwd, path)).mode.toString(8).slice(-3);
    expect(permissions('src/stack-config.ts')).toBe('444');
    expect(permissions('package.json')).toBe('644'); // projen keeps package.json writable for installs
    expect(permissions('src/main.ts')).toBe('644');
    expect(permissions('.projenrc.ts')).toBe('644');
  });

  test("owned files win over projen's samples for the same path (README.md)", async () => {
    const result = await runGenerator({ yes: true, name: 'orders' });
    // projen's render also writes a sample README.md ("# replace this"); the template's is the one kept.
    expect(readText(result.cwd, 'README.md')).toMatch(/^# orders\n\nMySQL on AWS with no database password/);
  });

  test('.yo-rc.json records the generator version', async () => {
    const result = await runGenerator({ yes: true });
    expect(JSON.parse(readText(result.cwd, '.yo-rc.json'))['create-rds-iam-stack'].generatorVersion).toBe(
      PACKAGE_VERSION,
    );
  });

  test('contains no absolute paths of this machine', async () => {
    const result = await runGenerator(FULL_FLAGS);
    for (const file of listFiles(result.cwd)) {
      const text = readText(result.cwd, file);
      expect({ file, leaks: text.includes(result.cwd) || text.includes(tmpdir()) }).toEqual({ file, leaks: false });
    }
  });
});

/** Everything the generator logged. */
function logged(result: { env: { adapter: unknown } }): string {
  // yeoman-test's adapter logs into a node:test mock.
  const { log } = result.env.adapter as { log: { mock?: { calls: { arguments: unknown[] }[] } } };
  return (log.mock?.calls ?? []).map((call) => call.arguments.join(' ')).join('\n');
}

function answersFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'answers-')), 'answers.json');
  writeFileSync(file, content);
  return file;
}
