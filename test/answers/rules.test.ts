import { displayValue } from '../../src/answers/display-value.js';
import {
  AnswersError,
  checkAnswer,
  defaultHostedZoneName,
  missingAnswers,
  parseAnswer,
  parseAnswers,
  parseRecordedAnswers,
  selectedAvailabilityZones,
  withDefaults,
  projectNameNotice,
  validateGiven,
  AWS_REGIONS,
  type AnswerKey,
} from '../../src/answers/index.js';

const valid = (overrides: Record<string, unknown> = {}) => withDefaults({ name: 'orders-db', ...overrides });

/** The problems reported for one answer, as "field|value|rule" strings. */
function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseAnswers(raw);
    return [];
  } catch (error) {
    if (!(error instanceof AnswersError)) throw error;
    return error.problems.map((p) => `${p.field}|${JSON.stringify(p.value)}|${p.rule}`);
  }
}

function expectRejected(key: AnswerKey, value: unknown, rule: RegExp, context: Record<string, unknown> = {}) {
  const problems = problemsOf(valid({ ...context, [key]: value }));
  expect(problems.length).toBeGreaterThan(0);
  const match = problems.find((p) => rule.test(p));
  if (!match) throw new Error(`expected a problem matching ${rule}, got:\n${problems.join('\n')}`);
  // The message names the field (with its flag), the value and the rule.
  expect(match).toMatch(/\(--[a-z-]+\)\|/);
}

describe('defaults', () => {
  test('are valid on their own', () => {
    expect(parseAnswers(withDefaults({}))).toEqual({
      name: 'my-rds-iam-stack',
      region: 'us-east-1',
      azCount: 2,
      databaseName: 'app',
      // The service's user cannot change the schema; migrations run as their own schema owner.
      databaseUsers: [
        { name: 'app', access: 'read-write' },
        { name: 'app_migrator', access: 'schema-owner' },
      ],
      appUser: 'app',
      // VPC endpoints only: no internet route, no NAT gateway to pay for.
      internetEgress: false,
      natGateways: 'per-az',
      multiAz: true,
      proxyAuth: 'end-to-end-iam',
      stages: [
        { name: 'dev', profile: 'development' },
        { name: 'prod', profile: 'production' },
      ],
      // Nobody reaches the database as a person unless named.
      operators: [],
    });
  });

  test('the project name defaults to a valid directory name', () => {
    expect(withDefaults({}, { directoryName: 'payments' }).name).toBe('payments');
    expect(withDefaults({}, { directoryName: 'Not Valid' }).name).toBe('my-rds-iam-stack');
  });

  test('the app user defaults to the first user, also when users are given as NAME:ACCESS', () => {
    expect(withDefaults({ databaseUsers: ['svc:read-only', 'b:read-write'] }).appUser).toBe('svc');
  });
});

describe('project name', () => {
  test.each(['orders-db', '@acme/orders-db', 'a', 'orders.db', 'x_1'])('accepts %s', (name) => {
    expect(problemsOf(valid({ name }))).toEqual([]);
  });
  test.each([
    ['', /npm package name/],
    ['Orders', /npm package name/],
    ['my stack', /npm package name/],
    ['../evil', /npm package name/],
    ['node_modules', /npm package name/],
    ['1stack', /start with a letter/],
    ['a'.repeat(215), /npm package name/],
    ['a'.repeat(119), /at most 118 characters after any @scope\/ \(it has 119\).*CloudFormation stacks, which AWS limits to 128 characters/],
    [`@acme/${'a'.repeat(200)}`, /at most 118 characters/],
  ])('rejects %j', (name, rule) => expectRejected('name', name, rule));

  test('accepts the longest stack name every derived AWS name fits', () => {
    expect(problemsOf(valid({ name: `@${'s'.repeat(40)}/${'a'.repeat(118)}` }))).toEqual([]);
  });

  test('the directory name is the default only where it passes the rule in full', () => {
    expect(withDefaults({}, { directoryName: 'a'.repeat(150) }).name).toBe('my-rds-iam-stack');
    expect(withDefaults({}, { directoryName: 'node_modules' }).name).toBe('my-rds-iam-stack');
  });
});

describe('the project name notice', () => {
  const chosen = (directoryName: string) => parseAnswers(withDefaults({}, { directoryName }));
  test('states the name taken and why the directory name was not', () => {
    expect(projectNameNotice({}, { directoryName: 'Bad_Name' }, chosen('Bad_Name'))).toBe(
      'package name: my-rds-iam-stack (the --name default; the directory name "Bad_Name" must be a valid npm package name (name can no longer contain capital letters); pass --name to choose another)',
    );
  });
  test('says nothing when the directory name is used or a name was given', () => {
    expect(projectNameNotice({}, { directoryName: 'orders' }, chosen('orders'))).toBeUndefined();
    expect(projectNameNotice({ name: 'x' }, { directoryName: 'Bad_Name' }, chosen('Bad_Name'))).toBeUndefined();
  });
});

describe('values in messages', () => {
  test.each([
    ['plain', '"plain"'],
    ['zero\u200bwidth', '"zero\\u{200B}width"'],
    ['\u0430pp', '"\\u{0430}pp"'],
    ['tab\there', '"tab\\there"'],
    ['emoji \u{1F600}', '"emoji \\u{1F600}"'],
    [42, '42'],
  ])('%j is shown as %s', (value, shown) => expect(displayValue(value)).toBe(shown));

  test('a long value is cut short, with its length', () => {
    expect(displayValue('x'.repeat(500))).toBe(`"${'x'.repeat(59)}... (500 characters)`);
  });

  test('a cut never splits an escaped code point', () => {
    expect(displayValue(`${'x'.repeat(55)}\u200b${'y'.repeat(20)}`)).toBe(`"${'x'.repeat(55)}... (76 characters)`);
  });

  test('keys that would reach an object prototype are refused by name, not with a TypeError', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(() => parseAnswer(key as AnswerKey, 'x')).toThrow(new RegExp(`answer "${key}" "x" is not a known answer`));
    }
    expect(() => validateGiven(JSON.parse('{"__proto__": {"region": "eu-west-1"}}'))).toThrow(/answer "__proto__"/);
  });
});

describe('region', () => {
  test('accepts every region of the table', () => {
    for (const region of Object.keys(AWS_REGIONS)) expect(problemsOf(valid({ region }))).toEqual([]);
  });
  test.each(['eu-west-9', 'EU-WEST-1', 'us-gov-west-1', 'cn-north-1', '', 'us-east-1 '])('rejects %j', (region) =>
    expectRejected('region', region, /AWS commercial region/),
  );
  test('names the exact zones, in order', () => {
    expect(selectedAvailabilityZones({ region: 'eu-west-1', azCount: 3 })).toEqual([
      'eu-west-1a',
      'eu-west-1b',
      'eu-west-1c',
    ]);
    expect(selectedAvailabilityZones({ region: 'us-east-1', azCount: 6 })).toHaveLength(6);
  });
});

describe('Availability Zone count', () => {
  test.each([2, '3', ' 2 '])('accepts %j in eu-west-1', (azCount) => {
    expect(problemsOf(valid({ region: 'eu-west-1', azCount }))).toEqual([]);
  });
  test('accepts the maximum of a large region', () => {
    expect(problemsOf(valid({ region: 'us-east-1', azCount: 6 }))).toEqual([]);
  });
  test.each([
    [1, /at least 2/],
    [0, /at least 2/],
    [-3, /at least 2/],
    [2.5, /whole number/],
    ['two', /whole number/],
    ['', /whole number/],
  ])('rejects %j', (azCount, rule) => expectRejected('azCount', azCount, rule));
  test('rejects more zones than the region has', () => {
    expectRejected('azCount', 4, /at most 3: eu-west-1 has 3/, { region: 'eu-west-1' });
    expectRejected('azCount', 3, /at most 2: us-west-1 has 2/, { region: 'us-west-1' });
  });
});

describe('database name', () => {
  test.each(['app', 'Orders_2024', 'a', 'x'.repeat(64)])('accepts %s', (databaseName) => {
    expect(problemsOf(valid({ databaseName }))).toEqual([]);
  });
  test.each([
    ['', /1-64 characters/],
    ['1app', /a letter first/],
    ['_app', /a letter first/],
    ['my-db', /letters, digits or underscores/],
    ['app; DROP DATABASE x', /letters, digits or underscores/],
    ['x'.repeat(65), /1-64 characters/],
    ['select', /MySQL reserved word/],
    ['Database', /MySQL reserved word/],
    ['mysql', /MySQL system schema/],
    ['Performance_Schema', /MySQL system schema/],
    ['sys', /MySQL system schema/],
  ])('rejects %j', (databaseName, rule) => expectRejected('databaseName', databaseName, rule));
});

describe('database users', () => {
  test('accept NAME:ACCESS text and objects', () => {
    expect(parseAnswer('databaseUsers', ['a:read-only', 'b : schema-owner'])).toEqual([
      { name: 'a', access: 'read-only' },
      { name: 'b', access: 'schema-owner' },
    ]);
    expect(parseAnswer('databaseUsers', 'a:read-only, b:read-write')).toHaveLength(2);
    expect(parseAnswer('databaseUsers', [{ name: 'a', access: 'read-write' }])).toEqual([
      { name: 'a', access: 'read-write' },
    ]);
  });
  test('accept a 32-character name', () => {
    const name = `u${'x'.repeat(31)}`;
    expect(problemsOf(valid({ databaseUsers: [`${name}:read-only`], appUser: name }))).toEqual([]);
  });
  test.each([
    [[], /at least one user/],
    [['app'], /must be NAME:ACCESS/],
    [['app:write'], /one of read-only, read-write, schema-owner/],
    [['app:'], /one of read-only/],
    [[':read-only'], /1-32 characters/],
    [[`u${'x'.repeat(32)}:read-only`], /1-32 characters/],
    [["o'brien:read-only"], /letters, digits or underscores/],
    [['x`; DROP USER root; --:read-only'], /letters, digits or underscores/],
    [['root:read-only'], /reserved account/],
    [['ADMIN:read-write'], /reserved account/],
    [['rdsproxyadmin:read-only'], /reserved account/],
    [['rdsadmin:read-only'], /reserved account/],
    [['mysql.sys:read-only'], /reserved account/],
    [['mysql.anything:read-only'], /reserved account/],
  ])('reject %j', (databaseUsers, rule) => expectRejected('databaseUsers', databaseUsers, rule));
  test('reject duplicates, case-insensitively', () => {
    expectRejected('databaseUsers', ['app:read-only', 'APP:read-write'], /database user #2 name.*unique/);
  });
});

describe('app user', () => {
  test('must be one of the users', () => {
    expectRejected('appUser', 'ghost', /one of the database users \(a, b\)/, {
      databaseUsers: ['a:read-only', 'b:read-write'],
    });
  });
  test('must not be an admin user (the service never hands out privileges)', () => {
    expectRejected('appUser', 'dba', /must not be an admin user/, { databaseUsers: ['dba:admin', 'b:read-write'] });
  });
  test('defaults to the first user that is not admin', () => {
    expect(withDefaults({ databaseUsers: ['dba:admin', 'svc:read-write'] }).appUser).toBe('svc');
    expect(problemsOf(valid({ databaseUsers: ['dba:admin', 'svc:read-write'], appUser: 'svc' }))).toEqual([]);
  });
});

describe('operators', () => {
  const ssoRole = 'arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_DBA_0123abcd4567ef89';
  const withDba = { databaseUsers: ['app:read-write', 'dba:admin'] };
  test.each([
    [[ssoRole]],
    [['arn:aws:iam::123456789012:role/Operators', 'arn:aws:iam::123456789012:user/alice']],
    [['arn:aws-us-gov:iam::123456789012:role/ops/Dba', 'arn:aws-cn:iam::123456789012:role/R+=,.@_-']],
    [`${ssoRole}, arn:aws:iam::123456789012:user/alice`],
    [[]],
  ])('accept %j', (operators) => {
    expect(problemsOf(valid({ ...withDba, operators }))).toEqual([]);
  });
  test.each([
    ['arn:aws:iam::123456789012:root', /IAM role or user ARN/],
    ['arn:aws:iam::123456789012:role/*', /IAM role or user ARN/],
    ['arn:aws:sts::123456789012:assumed-role/Dba/alice', /IAM role or user ARN/],
    ['arn:aws:iam::12345:role/Dba', /IAM role or user ARN/],
    ['123456789012', /IAM role or user ARN/],
    ['*', /IAM role or user ARN/],
    ['arn:aws:iam::123456789012:group/dbas', /IAM role or user ARN/],
    [`arn:aws:iam::123456789012:role/${'r'.repeat(65)}`, /IAM role or user ARN/],
  ])('reject %j, naming field, value and rule', (arn, rule) => {
    expectRejected('operators', [arn], rule, withDba);
    const problems = problemsOf(valid({ ...withDba, operators: [arn] }));
    expect(problems.join('\n')).toContain('--operator');
    expect(problems.join('\n')).toContain(arn.slice(0, 20));
  });
  test('reject duplicates', () => {
    expectRejected('operators', [ssoRole, ssoRole], /unique among the operators/, withDba);
  });
  test('need an admin or read-only user to connect as', () => {
    expectRejected('operators', [ssoRole], /need a database user to connect as: add one with access admin or read-only/, {
      databaseUsers: ['app:read-write', 'migrator:schema-owner'],
    });
    expect(problemsOf(valid({ databaseUsers: ['app:read-write', 'viewer:read-only'], operators: [ssoRole] }))).toEqual([]);
  });
  test('records without operators (earlier versions) have none', () => {
    expect(parseRecordedAnswers({ name: 'orders-db', region: 'us-east-1', azCount: 2, databaseName: 'app',
      databaseUsers: [{ name: 'app', access: 'read-write' }], appUser: 'app', natGateways: 'per-az', multiAz: true,
      proxyAuth: 'end-to-end-iam', internetEgress: false }).operators).toEqual([]);
  });
});

describe('choices', () => {
  test.each([
    ['natGateways', 'per-az', 'all', /one of per-az, single/],
    ['proxyAuth', 'iam-with-master-secret', 'secret', /one of end-to-end-iam, iam-with-master-secret/],
    ['multiAz', 'no', 'maybe', /true or false/],
  ] as const)('%s', (key, good, bad, rule) => {
    expect(problemsOf(valid({ [key]: good }))).toEqual([]);
    expectRejected(key, bad, rule);
  });
});

describe('optional answers', () => {
  test.each(['acme/orders', 'a-b/c.d_e', 'A1/x'])('GitHub repository %s', (githubRepository) => {
    expect(parseAnswers(valid({ githubRepository })).githubRepository).toBe(githubRepository);
  });
  test.each(['acme', 'acme/', '/orders', 'ac me/orders', 'acme/..', '-acme/orders', 'acme/orders/x'])(
    'rejects GitHub repository %j',
    (githubRepository) => expectRejected('githubRepository', githubRepository, /OWNER\/REPO/),
  );
  test.each(['db.example.com', 'example.io', 'a-b.c.example.org'])('domain %s', (domainName) => {
    expect(parseAnswers(valid({ domainName })).domainName).toBe(domainName);
  });
  test.each(['localhost', 'Example.com', 'exa mple.com', '-a.example.com', 'example.com.', 'a..b.com'])(
    'rejects domain %j',
    (domainName) => expectRejected('domainName', domainName, /DNS name/),
  );
  test.each(['oncall@example.com', 'team+db-alerts@ops.example.co.uk', 'a.b@sub.example.io'])('alarm e-mail %s', (alarmEmail) => {
    expect(parseAnswers(valid({ alarmEmail })).alarmEmail).toBe(alarmEmail);
  });
  test.each(['oncall', 'oncall@', '@example.com', 'on call@example.com', 'a@b@example.com', 'oncall@localhost', 'oncall@example.c'])(
    'rejects alarm e-mail %j, naming field, value and rule',
    (alarmEmail) => expectRejected('alarmEmail', alarmEmail, /^alarm e-mail \(--alarm-email\)\|.*\|must be an e-mail address/),
  );
  test('an empty answer means none', () => {
    const answers = parseAnswers(valid({ githubRepository: '', domainName: '  ', alarmEmail: '' }));
    expect(answers).not.toHaveProperty('githubRepository');
    expect(answers).not.toHaveProperty('domainName');
    expect(answers).not.toHaveProperty('alarmEmail');
  });
});

describe('hosted zone', () => {
  const domain = { domainName: 'app.example.com' };

  test('a zone id with the domain; the name is left to its default (the domain\'s parent)', () => {
    const answers = parseAnswers(valid({ ...domain, hostedZone: 'Z0123456789ABCDEFGHIJ' }));
    expect(answers.hostedZone).toBe('Z0123456789ABCDEFGHIJ');
    expect(answers).not.toHaveProperty('hostedZoneName');
    expect(defaultHostedZoneName('app.example.com')).toBe('example.com');
    expect(defaultHostedZoneName('a.b.example.co.uk')).toBe('b.example.co.uk');
    // A two-label domain is its own zone (its parent would be a top-level domain).
    expect(defaultHostedZoneName('example.com')).toBe('example.com');
  });

  test.each(['app.example.com', 'example.com'])('the zone name may be given: %s for app.example.com', (hostedZoneName) => {
    expect(parseAnswers(valid({ ...domain, hostedZone: 'Z0123', hostedZoneName })).hostedZoneName).toBe(hostedZoneName);
  });

  test.each(['z0123', '0123ABC', 'Z01-23', 'Z', `Z${'A'.repeat(33)}`])('rejects zone id %j', (hostedZone) =>
    expectRejected('hostedZone', hostedZone, /Route 53 hosted zone id/, domain),
  );

  test('rejects a zone without a domain, a zone name without a zone, and a zone the domain is not in', () => {
    expectRejected('hostedZone', 'Z0123', /needs a domain name \(--domain\)/);
    expectRejected('hostedZoneName', 'example.com', /needs the hosted zone id \(--hosted-zone\)/, domain);
    expectRejected('hostedZoneName', 'other.com', /must be the zone the domain name app\.example\.com is in/, { ...domain, hostedZone: 'Z0123' });
    expectRejected('hostedZoneName', 'ample.com', /must be the zone/, { ...domain, hostedZone: 'Z0123' });
  });

  test('internet egress is a yes/no answer', () => {
    expect(parseAnswers(valid({ internetEgress: 'yes' })).internetEgress).toBe(true);
    expectRejected('internetEgress', 'sometimes', /true or false/);
  });
});

describe('reporting', () => {
  test('every problem is reported at once, naming field, value and rule', () => {
    const error = (() => {
      try {
        parseAnswers(valid({ region: 'mars-1', databaseName: 'select', unknown: 1 }));
      } catch (e) {
        return e as AnswersError;
      }
      throw new Error('expected a rejection');
    })();
    expect(error).toBeInstanceOf(AnswersError);
    expect(error.message).toContain('answer "unknown" 1 is not a known answer');
    expect(error.message).toContain('region (--region) "mars-1" must be an AWS commercial region');
    expect(error.message).toContain('database name (--db-name) "select" must not be a MySQL reserved word');
  });

  test('inline checks see the other answers', () => {
    expect(checkAnswer('azCount', '3', valid({ region: 'us-west-1' }))).toMatch(/at most 2/);
    expect(checkAnswer('azCount', '2', valid({ region: 'us-west-1' }))).toBe(true);
  });

  test('missing answers exclude optional ones and the app user of a single-user stack', () => {
    expect(missingAnswers({}).map((q) => q.flag)).toEqual([
      'name',
      'region',
      'az-count',
      'db-name',
      'user',
      // Internet egress is optional (off); NAT gateways are asked for only with it.
      'multi-az',
      'proxy-auth',
    ]);
  });
});
