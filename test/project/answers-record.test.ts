import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'projen';
import { parseAnswers, parseRecordedAnswers, withDefaults } from '../../src/answers/index.js';
import { PACKAGE_VERSION } from '../../src/package-info.js';
import { RdsIamStackProject, type RdsIamStackProjectOptions } from '../../src/project/index.js';
import { readRecord } from '../../src/update/record.js';
import { newProject } from '../support/project.js';

const recordOf = (output: Record<string, any>) => output['.yo-rc.json']['create-rds-iam-stack'];

describe('the answers record (.yo-rc.json)', () => {
  test('is a managed file rendered from the options, so an edit of .projenrc.ts reaches it', () => {
    const first = recordOf(Testing.synth(newProject({ databaseName: 'orders' })));
    const edited = recordOf(Testing.synth(newProject({ databaseName: 'ledger', databaseUsers: ['app:read-write', 'audit:read-only'] })));
    expect(first.answers.databaseName).toBe('orders');
    expect(edited.answers.databaseName).toBe('ledger');
    expect(edited.answers.databaseUsers).toEqual([
      { name: 'app', access: 'read-write' },
      { name: 'audit', access: 'read-only' },
    ]);
  });

  test('keeps the version of the owned files, not the installed one', () => {
    const answers = parseAnswers(withDefaults({ name: 'orders-db' }));
    const outdir = mkdtempSync(join(tmpdir(), 'record-'));
    const project = new RdsIamStackProject({ ...answers, ownedFilesVersion: '0.0.9', outdir });
    expect(recordOf(Testing.synth(project)).generatorVersion).toBe('0.0.9');
    expect(recordOf(Testing.synth(newProject())).generatorVersion).toBe(PACKAGE_VERSION);
    expect(() => new RdsIamStackProject({ ...answers, ownedFilesVersion: 'latest', outdir })).toThrow(
      /ownedFilesVersion "latest" must be a version such as "0.1.0"/,
    );
  });

  test('is what update reads', async () => {
    const output = Testing.synth(newProject({ region: 'eu-west-1' }));
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify(output['.yo-rc.json']));
    const record = await readRecord(dir);
    expect(record.generatorVersion).toBe(PACKAGE_VERSION);
    expect(parseRecordedAnswers(record.answers)).toEqual(parseAnswers(withDefaults({ name: 'orders-db', region: 'eu-west-1' })));
  });

  test('a broken record is refused naming the field and the rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'record-'));
    await expect(readRecord(dir)).rejects.toThrow(/\.yo-rc\.json is missing/);
    writeFileSync(join(dir, '.yo-rc.json'), JSON.stringify({ 'create-rds-iam-stack': { generatorVersion: 'soon', answers: {} } }));
    await expect(readRecord(dir)).rejects.toThrow(/"create-rds-iam-stack.generatorVersion" "soon" must be a version/);
  });
});

describe('answers recorded by an earlier version', () => {
  // An earlier version knew fewer questions: the later ones are left out here.
  const older = { name: 'orders-db', region: 'eu-west-1', azCount: 2, databaseName: 'orders', databaseUsers: [{ name: 'app', access: 'read-write' }], appUser: 'app' };

  test('take the defaults of the questions added since, as an answers file or a record', () => {
    expect(parseRecordedAnswers(older)).toMatchObject({ ...older, natGateways: 'per-az', multiAz: true, proxyAuth: 'end-to-end-iam' });
  });

  test('are accepted by the project type from .projenrc.ts', () => {
    const project = new RdsIamStackProject({ ...older, outdir: mkdtempSync(join(tmpdir(), 'record-')) } as unknown as RdsIamStackProjectOptions);
    expect(project.answers).toMatchObject({ natGateways: 'per-az', multiAz: true, proxyAuth: 'end-to-end-iam' });
  });

  test('still break a rule loudly', () => {
    expect(() => parseRecordedAnswers({ ...older, databaseName: 'select' })).toThrow(/select/);
  });
});
