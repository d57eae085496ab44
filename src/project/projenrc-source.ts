import type { javascript } from 'projen';
import type { StackAnswers } from '../answers/index.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../package-info.js';
import { NPM, PROJEN_PACKAGE_MANAGER_KEYS } from '../scaffold/package-manager.js';

export interface ProjenrcExtras {
  readonly packageManager?: javascript.NodePackageManager;
  readonly packageSource?: string;
}

/**
 * The generated `.projenrc.ts`: the answers, passed as they are to RdsIamStackProject. It is the
 * one place a team changes its configuration afterwards.
 */
export function renderProjenrc(answers: StackAnswers, extras: ProjenrcExtras = {}): string {
  const needsJavascript = extras.packageManager !== undefined && extras.packageManager !== NPM.projen;
  const lines = [
    // A value import: the file reads `javascript.NodePackageManager` at run time.
    needsJavascript ? "import { javascript } from 'projen';" : undefined,
    `import { RdsIamStackProject } from '${PACKAGE_NAME}';`,
    '',
    '// Change the stack here, then run `npx projen` and deploy. The rules for every value are',
    `// enforced when this file runs: see the ${PACKAGE_NAME} README.`,
    'const project = new RdsIamStackProject({',
    `  name: ${quote(answers.name)},`,
    `  region: ${quote(answers.region)},`,
    `  azCount: ${answers.azCount},`,
    `  databaseName: ${quote(answers.databaseName)},`,
    '  databaseUsers: [',
    ...answers.databaseUsers.map((user) => `    { name: ${quote(user.name)}, access: ${quote(user.access)} },`),
    '  ],',
    `  appUser: ${quote(answers.appUser)},`,
    `  internetEgress: ${answers.internetEgress},`,
    `  natGateways: ${quote(answers.natGateways)},`,
    `  multiAz: ${answers.multiAz},`,
    `  proxyAuth: ${quote(answers.proxyAuth)},`,
    '  // Promotion order; each stage may override its profile\'s settings (instanceClass, multiAz,',
    '  // natGateways, minTasks, maxTasks, deletionProtection, backupRetentionDays).',
    '  stages: [',
    ...answers.stages.map((stage) => `    { ${Object.entries(stage).map(([key, value]) => `${key}: ${typeof value === 'string' ? quote(value) : String(value)}`).join(', ')} },`),
    '  ],',
    answers.githubRepository ? `  githubRepository: ${quote(answers.githubRepository)},` : undefined,
    answers.domainName ? `  domainName: ${quote(answers.domainName)},` : undefined,
    answers.alarmEmail ? `  alarmEmail: ${quote(answers.alarmEmail)},` : undefined,
    answers.hostedZone ? `  hostedZone: ${quote(answers.hostedZone)},` : undefined,
    answers.hostedZoneName ? `  hostedZoneName: ${quote(answers.hostedZoneName)},` : undefined,
    ...(answers.operators.length > 0
      ? ['  // May connect as the admin and read-only users: npx projen db:connect.', '  operators: [', ...answers.operators.map((arn) => `    ${quote(arn)},`), '  ],']
      : []),
    needsJavascript ? `  packageManager: javascript.NodePackageManager.${packageManagerKey(extras.packageManager!)},` : undefined,
    extras.packageSource ? `  packageSource: ${quote(extras.packageSource)},` : undefined,
    // `create-rds-iam-stack update` merges the owned files from this version, and moves it on.
    `  ownedFilesVersion: ${quote(PACKAGE_VERSION)},`,
    '});',
    '',
    'project.synth();',
    '',
  ];
  return lines.filter((line) => line !== undefined).join('\n');
}

function quote(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function packageManagerKey(value: javascript.NodePackageManager): string {
  const key = PROJEN_PACKAGE_MANAGER_KEYS[value];
  if (!key) throw new Error(`Unknown package manager ${value}`);
  return key;
}
