import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects `name` directly (through fragments and inline fragments
 * too). `@skip`/`@include` are not evaluated: a conditional field counts as selected, which at worst
 * starts work that is then not used.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined): boolean => !!set && set.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) return selection.name.value === name;
    if (selection.kind === Kind.INLINE_FRAGMENT) return walk(selection.selectionSet);
    if (seen.has(selection.name.value)) return false;
    seen.add(selection.name.value);
    return walk(info.fragments[selection.name.value]?.selectionSet);
  });
  return info.fieldNodes.some((node) => walk(node.selectionSet));
}
