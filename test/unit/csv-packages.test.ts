import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, isEnumType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { runCsvImport as runCsvUsers, type CsvRecord, type SetupBatch } from '@wholesale-provisioning/csv-users';
import { Package } from '../../server/src/catalog/packages';
import { PackageValues } from '../../sdk/src/generated/enum-values';
import { runCsvImport } from '../../sdk/src/index';

/** The CSV reader holds no list of packages: each caller hands it the schema's (issue 9). */
const schemaPackages = (): string[] => {
  const schema = buildSchema(readFileSync(path.resolve(__dirname, '../../schema/schema.graphql'), 'utf8'));
  const type = schema.getType('Package');
  if (!isEnumType(type)) throw new Error('schema/schema.graphql has no Package enum');
  return type.getValues().map((v) => v.name);
};

const records = (...packages: string[]): CsvRecord[] => [
  { line: 1, fields: ['firstName', 'lastName', 'email', 'package'] },
  ...packages.map((p, i) => ({ line: i + 2, fields: ['Eva', 'de Vries', `eva${i}@devries.example`, p] })),
];
const noErrors: SetupBatch = async () => ({ userErrors: [] });
const packageErrors = (result: { errors: { line: number | null; code: string; message: string }[] }) =>
  result.errors.map((e) => [e.line, e.code, e.message]);

describe('the packages the CSV reader accepts', () => {
  it('are, in the SDK, the schema’s Package enum as generated (and the server’s catalog, which the schema is built from)', () => {
    expect([...PackageValues].sort()).toEqual(schemaPackages().sort());
    expect(Object.values(Package).sort()).toEqual(schemaPackages().sort());
  });

  it('are exactly the list the caller gives: a package outside it is INVALID on its line, one inside it passes', async () => {
    const result = await runCsvUsers(records('WEBEX_CALLING', 'WEBEX_MEETINGS'), noErrors, ['WEBEX_CALLING'], { dryRun: true });
    expect(packageErrors(result)).toEqual([[3, 'INVALID', '"WEBEX_MEETINGS" is not a package (one of WEBEX_CALLING).']]);
    const wider = await runCsvUsers(records('WEBEX_CALLING', 'WEBEX_MEETINGS'), noErrors, ['WEBEX_CALLING', 'WEBEX_MEETINGS'], { dryRun: true });
    expect(wider.errors).toEqual([]);
  });

  it('are, through the SDK’s runCsvImport, every value of the schema and nothing else', async () => {
    const result = await runCsvImport(records(...schemaPackages(), 'GOLD'), noErrors, { dryRun: true });
    expect(packageErrors(result)).toEqual([[schemaPackages().length + 2, 'INVALID', expect.stringContaining('"GOLD" is not a package')]]);
  });
});
