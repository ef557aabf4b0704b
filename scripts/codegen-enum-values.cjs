// A graphql-codegen plugin (codegen.yml): the values of every enum of the schema as a runtime list
// beside the generated types, so code that must check a value (the SDK's CSV reader: packages) takes
// the list from the schema instead of a hand copy. The types plugin emits enums as string unions,
// which have no values at runtime.
const { isEnumType } = require('graphql');

module.exports = {
  plugin(schema) {
    const enums = Object.values(schema.getTypeMap())
      .filter((type) => isEnumType(type) && !type.name.startsWith('__'))
      .sort((a, b) => a.name.localeCompare(b.name));
    const lines = ["import type * as Types from './graphql.js';", ''];
    for (const type of enums) {
      const values = type.getValues().map((v) => `'${v.name}'`).join(', ');
      lines.push(`/** The values of the schema's \`${type.name}\` enum. */`);
      lines.push(`export const ${type.name}Values: readonly Types.${type.name}[] = [${values}];`);
    }
    return lines.join('\n') + '\n';
  },
};
