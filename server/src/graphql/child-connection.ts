import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { Page, PageArgs, parsePageArgs, toPage } from './connection';
import type { RequestContext } from './context';
import type { ChildListQuery } from './loaders';

/**
 * A parent's child list as a connection (a customer's locations, users, emails): one batched query
 * for every parent of the request, the count only when asked for. The loaders answer for a dry
 * run's would-be parent from its overlay, so this never needs to know which it has. `field` names
 * the list for its cursors.
 */
export async function childConnection<T extends ObjectLiteral & { id: string }>(
  ctx: RequestContext, target: EntityTarget<T>, parentId: string, field: string, args: PageArgs,
  filter: Pick<ChildListQuery, 'where' | 'key' | 'matches' | 'selective' | 'count' | 'through'> = { where: null, key: '', matches: null },
  options: { parentColumn?: string; countAsked?: boolean } = {},
): Promise<Page<T>> {
  const { parentColumn = 'customerId', countAsked = false } = options;
  // The cursor names its list (`<customerId>/users`): another list refuses it (domain.md §14).
  const request = parsePageArgs(args, `${parentId}/${field}`);
  const query = { ...request, ...filter };
  const count = () => ctx.loaders.childCount(target, parentColumn, query).load(parentId);
  const page = ctx.loaders.childPage(target, parentColumn, query).load(parentId);
  // A filtered list without a stored count is counted with a COUNT as costly as its page (a
  // search): asked for with the page, both go out at once, on PostgreSQL on two connections,
  // instead of the count waiting for the page. (A stored count is read before the page anyway.)
  const early = countAsked && query.where && !query.count ? count() : undefined;
  early?.catch(() => undefined); // if the page fails, the field fails with it and the count is not read
  return toPage(await page, request, () => early ?? count());
}
