import type { SelectQueryBuilder } from 'typeorm';
import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { apiError } from '../errors/error-codes';
import { isId } from '../db/ids';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page ends, to ask for the next one.', simpleResolvers: true })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** What a list resolver returns: `totalCount` is computed only when a client asks for it. */
export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  readonly totalCount: Promise<number> | number;
}

/** The `XConnection` and `XEdge` types of one node type (GitHub-style connections). */
export function ConnectionType<T extends object>(nodeName: string, nodeType: ClassType<T>) {
  @ObjectType(`${nodeName}Edge`, { simpleResolvers: true })
  class EdgeType {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: T;
  }

  @ObjectType(`${nodeName}Connection`, { description: `A page of ${nodeName} nodes, newest first.`, simpleResolvers: true })
  class ConnectionClass {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'How many nodes the whole list holds (all pages).' })
    totalCount!: number;
  }
  return ConnectionClass;
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

/** `first` and `after`, checked: a bad value is the caller's fault (BAD_USER_INPUT, 400). */
export interface PageRequest {
  first: number;
  /** The list the page belongs to (see ListKey): its cursors name it and are refused by any other. */
  list: string;
  /** Id of the last node seen: the next page starts strictly below it (ids are time-ordered). */
  afterId: string | null;
}

/**
 * Which list a cursor belongs to: a top-level list by its name (`templates`, `customers`,
 * `auditEvents`), a list inside an object by the object's id and the field (`<customerId>/users`).
 * A cursor is a position in one list; accepted by another it would answer a page of something else
 * (domain.md §14), so it carries its list and any other list refuses it.
 */
export type ListKey = string;

const CURSOR_PREFIX = 'c2:';

export function encodeCursor(list: ListKey, id: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${list}:${id}`, 'utf8').toString('base64url');
}

export function parsePageArgs(args: PageArgs, list: ListKey): PageRequest {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw apiError('BAD_USER_INPUT', `"first" must be between 1 and ${MAX_PAGE_SIZE}, got ${first}.`, {
      extensions: { argument: 'first' },
    });
  }
  if (args.after === null || args.after === undefined) return { first, list, afterId: null };
  const decoded = Buffer.from(args.after, 'base64url').toString('utf8');
  const prefix = `${CURSOR_PREFIX}${list}:`;
  const id = decoded.startsWith(prefix) ? decoded.slice(prefix.length) : '';
  if (!isId(id)) {
    throw apiError('BAD_USER_INPUT', '"after" is not a cursor of this list: pass the pageInfo.endCursor of the previous page of this same list.', {
      extensions: { argument: 'after' },
    });
  }
  return { first, list, afterId: id };
}

/**
 * Builds a page from rows fetched with `LIMIT first + 1` in id-descending order (one extra row
 * tells whether another page follows).
 */
export function toPage<T extends { id: string }>(
  rows: T[],
  request: PageRequest,
  totalCount: () => Promise<number> | number,
): Page<T> {
  const hasNextPage = rows.length > request.first;
  const nodes = hasNextPage ? rows.slice(0, request.first) : rows;
  const edges = nodes.map((node) => ({ cursor: encodeCursor(request.list, node.id), node }));
  let count: Promise<number> | number | undefined;
  return {
    edges,
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    get totalCount() {
      count ??= totalCount();
      return count;
    },
  };
}

/**
 * One page of a list query, newest first (ids are time-ordered), with a lazy total count: the
 * list's stored count when the caller has one (an unfiltered list of the partner's), else a COUNT.
 * `first`/`after` are checked before any SQL runs.
 */
export async function pageOf<T extends { id: string }>(
  qb: SelectQueryBuilder<T>, args: PageArgs, list: ListKey, storedCount?: () => Promise<number>,
): Promise<Page<T>> {
  const request = parsePageArgs(args, list);
  const countQuery = qb.clone();
  if (request.afterId) qb.andWhere(`${qb.alias}.id < :afterId`, { afterId: request.afterId });
  const rows = await qb.orderBy(`${qb.alias}.id`, 'DESC').limit(request.first + 1).getMany();
  return toPage(rows, request, storedCount ?? (() => countQuery.getCount()));
}
