import {
  DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLSchema, getNamedType,
  Kind, OperationDefinitionNode, SelectionSetNode, GraphQLObjectType, GraphQLInterfaceType, GraphQLField, valueFromASTUntyped,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../graphql/connection';
import { apiError } from '../errors/error-codes';

export const MAX_DEPTH = 10;
export const MAX_ALIASES = 30;
/** Roughly the number of fields the answer may hold: a connection multiplies its children by `first`. */
export const MAX_COST = 100_000;

interface Measure {
  depth: number;
  aliases: number;
  cost: number;
  /** A `first` outside 1–100 seen while measuring (refused here, before the token lookup runs SQL). */
  badFirst?: unknown;
}

/**
 * Depth, aliases and cost of the operation that will run, with fragments expanded (so depth or
 * aliases hidden in fragments count) and variables applied (`first: $n` counts as its value).
 * Introspection fields are exempt from depth: Sandbox's own schema query is deeper than 10.
 */
export function measureOperation(
  schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>,
): Measure {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'subscription' ? schema.getSubscriptionType() : schema.getQueryType();
  const measure: Measure = { depth: 0, aliases: 0, cost: 0 };

  const walk = (set: SelectionSetNode, parent: GraphQLObjectType | GraphQLInterfaceType | null, depth: number, multiplier: number, stack: Set<string>) => {
    for (const selection of set.selections) {
      if (measure.aliases > MAX_ALIASES || measure.cost > MAX_COST || measure.depth > MAX_DEPTH) return;
      if (selection.kind === Kind.FIELD) {
        visitField(selection, parent, depth, multiplier, stack);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typed = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, asComposite(typed) ?? parent, depth, multiplier, stack);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || stack.has(name)) continue; // a cycle is refused by validation; never loop here
        stack.add(name);
        walk(fragment.selectionSet, asComposite(schema.getType(fragment.typeCondition.name.value)) ?? parent, depth, multiplier, stack);
        stack.delete(name);
      }
    }
  };

  const visitField = (field: FieldNode, parent: GraphQLObjectType | GraphQLInterfaceType | null, depth: number, multiplier: number, stack: Set<string>) => {
    if (field.alias) measure.aliases += 1;
    const introspection = field.name.value.startsWith('__');
    const level = introspection ? depth : depth + 1;
    if (!introspection) measure.depth = Math.max(measure.depth, level);
    measure.cost += multiplier;
    if (!field.selectionSet || introspection) return;
    const definition: GraphQLField<unknown, unknown> | undefined = parent?.getFields()[field.name.value];
    const childMultiplier = multiplier * pageSizeOf(field, definition, variables, measure);
    walk(field.selectionSet, asComposite(definition ? getNamedType(definition.type) : null), level, childMultiplier, stack);
  };

  if (root) walk(operation.selectionSet, root, 0, 1, new Set());
  return measure;
}

function asComposite(type: unknown): GraphQLObjectType | GraphQLInterfaceType | null {
  return type instanceof GraphQLObjectType || type instanceof GraphQLInterfaceType ? type : null;
}

/** A connection (a field with `first`) multiplies its children by the page size asked for. */
function pageSizeOf(
  field: FieldNode, definition: GraphQLField<unknown, unknown> | undefined, variables: Record<string, unknown>, measure: Measure,
): number {
  if (!definition?.args.some((a) => a.name === 'first')) {
    return 1;
  }
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  const value = arg ? valueFromASTUntyped(arg.value, variables) : DEFAULT_PAGE_SIZE;
  if (value === null || value === undefined) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
    measure.badFirst ??= value;
    return DEFAULT_PAGE_SIZE;
  }
  return value;
}

/** Throws QUERY_TOO_COMPLEX (400) when a limit is passed, BAD_USER_INPUT for a page size outside 1–100. */
export function enforceComplexity(measure: Measure): void {
  if (measure.badFirst !== undefined) {
    throw apiError('BAD_USER_INPUT', `"first" must be between 1 and ${MAX_PAGE_SIZE}, got ${String(measure.badFirst)}.`, {
      extensions: { argument: 'first' },
    });
  }
  if (measure.depth > MAX_DEPTH) {
    throw apiError('QUERY_TOO_COMPLEX', `The operation is nested deeper than ${MAX_DEPTH} levels.`, { extensions: { limit: 'depth', max: MAX_DEPTH } });
  }
  if (measure.aliases > MAX_ALIASES) {
    throw apiError('QUERY_TOO_COMPLEX', `The operation uses more than ${MAX_ALIASES} aliases.`, { extensions: { limit: 'aliases', max: MAX_ALIASES } });
  }
  if (measure.cost > MAX_COST) {
    throw apiError('QUERY_TOO_COMPLEX', `The operation could return more than ${MAX_COST} fields; ask for smaller pages.`, { extensions: { limit: 'cost', max: MAX_COST } });
  }
}
