import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildAppSchema } from '../schema';

/** Writes schema/schema.graphql from the resolvers (sorted, so diffs show real changes only). */
async function main(): Promise<void> {
  const schema = await buildAppSchema();
  const target = path.resolve(process.argv[2] ?? 'schema/schema.graphql');
  mkdirSync(path.dirname(target), { recursive: true });
  const header = '# Generated from the server’s resolvers by `npm run schema`. Do not edit by hand.\n\n';
  writeFileSync(target, header + printSchema(lexicographicSortSchema(schema)) + '\n');
  process.stderr.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
