import { HubError, NetworkError } from './errors.js';
import type { Connection, PageArgs } from './provisioning-client.js';

/** The page size `paginate` asks for unless the arguments give `first`: the server's maximum. */
export const DEFAULT_PAGE_SIZE = 100;

/**
 * A list method of the client: its last argument (optional) is the page arguments, its result a
 * connection, or null when the object the list belongs to is missing or another partner's.
 */
export type ListMethod<A extends unknown[], N> = (...args: A) => Promise<Connection<N> | null>;

/**
 * Every item of a list, fetched page by page as it is iterated (`for await`), or collected with
 * `toArray({ limit })`. Each iteration starts again from the first page.
 */
export interface PageIterator<N> extends AsyncIterable<N> {
  /**
   * Every item, in the list's order, refusing to load more than `limit`: when the list holds more
   * (its `totalCount`, or a page beyond the limit), it rejects with a `TooManyItemsError` instead
   * of returning the first `limit` items as if they were all. Narrow the list (a filter) or raise
   * the limit.
   * @example
   * ```ts
   * const users = await hub.paginate(hub.customerUsers, customerId).toArray({ limit: 10_000 });
   * ```
   */
  toArray(options: { limit: number }): Promise<N[]>;
  /**
   * The list page by page, each page as the list method resolves to it (`edges`, `pageInfo`,
   * `totalCount`), for callers that show progress or work in batches.
   * @example
   * ```ts
   * for await (const page of hub.paginate(hub.customers, { first: 50 }).pages()) {
   *   console.log(`${page.edges.length} of ${page.totalCount}`);
   * }
   * ```
   */
  pages(): AsyncIterable<Connection<N>>;
}

/**
 * `toArray({ limit })` found more items than its limit: nothing is returned, so a partial list is
 * never mistaken for the whole one.
 *
 * @example
 * ```ts
 * try {
 *   const customers = await hub.paginate(hub.customers).toArray({ limit: 1000 });
 * } catch (error) {
 *   if (error instanceof TooManyItemsError) console.error(`${error.totalCount} customers, more than ${error.limit}`);
 *   else throw error;
 * }
 * ```
 */
export class TooManyItemsError extends HubError {
  override name = 'TooManyItemsError';
  constructor(
    /** The list method, e.g. `customerUsers`. */
    readonly operation: string,
    /** The limit given to `toArray`. */
    readonly limit: number,
    /** The list's `totalCount` as the last page reported it. */
    readonly totalCount: number,
  ) {
    super(`${operation} holds ${totalCount} items, more than the limit of ${limit}: toArray loads no more than its limit. `
      + 'Raise the limit, narrow the list (a filter), or iterate it with for await.');
  }
}

/**
 * The object a list belongs to (a customer) is missing or another partner's: its list method
 * resolved to null, which `paginate` does not read as an empty list.
 *
 * @example
 * ```ts
 * try {
 *   for await (const user of hub.paginate(hub.customerUsers, customerId)) console.log(user.email);
 * } catch (error) {
 *   if (error instanceof NotFoundError) console.error(`No customer ${customerId}`);
 *   else throw error;
 * }
 * ```
 */
export class NotFoundError extends HubError {
  override name = 'NotFoundError';
  constructor(
    /** The list method that found nothing to list, e.g. `customerUsers`. */
    readonly operation: string,
    /** The id it was given (the first argument), when it had one. */
    readonly id: string | null,
  ) {
    super(`${operation}${id === null ? '' : `(${JSON.stringify(id)})`} found nothing to list: the object is missing or another partner's.`);
  }
}

function isPageArgs(value: unknown): value is PageArgs & Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Walks any list method of the client page by page: the arguments are the method's own (an id,
 * then the page arguments with a filter, if any); `first` sets the page size (default 100, the
 * server's maximum) and `after` where to start.
 *
 * @example
 * ```ts
 * for await (const user of paginate(hub.customerUsers, customerId, { filter: { search: 'jansen' } })) {
 *   console.log(user.email);
 * }
 * ```
 */
export function paginate<A extends unknown[], N>(list: ListMethod<A, N>, ...args: NoInfer<A>): PageIterator<N> {
  if (typeof list !== 'function') throw new TypeError('paginate takes a list method of the client, e.g. hub.paginate(hub.customers).');
  const operation = list.name || 'list';
  // The page arguments are the last argument when it is an object (ids are strings); else they are added.
  const pageIndex = isPageArgs(args[args.length - 1]) ? args.length - 1 : args.length;
  const given = (isPageArgs(args[pageIndex]) ? args[pageIndex] : {}) as PageArgs & Record<string, unknown>;
  const pageSize = given.first ?? DEFAULT_PAGE_SIZE;
  const id = typeof args[0] === 'string' ? args[0] : null;

  async function* walk(limit: number | null): AsyncGenerator<Connection<N>> {
    let after = given.after;
    let loaded = 0;
    for (;;) {
      const first = limit === null ? pageSize : Math.max(1, Math.min(pageSize, limit - loaded));
      const callArgs = [...args] as unknown[];
      callArgs[pageIndex] = { ...given, first, ...(after === undefined ? {} : { after }) };
      const page = await list(...(callArgs as A));
      if (page === null) throw new NotFoundError(operation, id);
      loaded += page.edges.length;
      if (limit !== null && (page.totalCount > limit || loaded > limit || (loaded === limit && page.pageInfo.hasNextPage))) {
        throw new TooManyItemsError(operation, limit, Math.max(page.totalCount, loaded + (page.pageInfo.hasNextPage ? 1 : 0)));
      }
      yield page;
      if (!page.pageInfo.hasNextPage) return;
      const next = page.pageInfo.endCursor;
      // A next page without a new cursor would repeat this one forever.
      if (!next || next === after) throw new NetworkError('BAD_RESPONSE', `${operation} answered hasNextPage without a new endCursor.`);
      after = next;
    }
  }

  return {
    pages: () => ({ [Symbol.asyncIterator]: () => walk(null) }),
    async *[Symbol.asyncIterator]() {
      for await (const page of walk(null)) for (const edge of page.edges) yield edge.node;
    },
    async toArray(options: { limit: number }): Promise<N[]> {
      const limit = options?.limit;
      if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
        throw new TypeError('toArray needs { limit }, a positive integer: the most items it may load.');
      }
      const items: N[] = [];
      for await (const page of walk(limit)) for (const edge of page.edges) items.push(edge.node);
      return items;
    },
  };
}
