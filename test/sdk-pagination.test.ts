import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  NotFoundError, TooManyItemsError,
  type AuditEvent, type Customer, type CustomerListArgs, type CustomerUser, type Location, type OutboxMessage,
  type PageIterator, type Template,
} from '../sdk/src/index';
import { aCustomerInput, aTemplateInput, aUser, AN_UNKNOWN_ID, anAmsterdamLocation, unique } from './support/factories';
import { type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

/** Issue 11: every list of the SDK can be iterated (`hub.paginate`) and collected with a limit it never exceeds. */
describe('SDK auto-pagination', () => {
  let server: TestServer;
  let partner: TestPartner;
  let other: TestPartner;
  let customer: Customer;
  let templates: Template[];
  const USERS = 230;

  const fixture = useTestServer({ partners: 2 });
  beforeAll(async () => {
    server = fixture.server;
    [partner, other] = fixture.partners;
    const hub = partner.client;
    templates = [];
    for (let i = 0; i < 5; i++) templates.push(await hub.createTemplate(aTemplateInput(partner, { name: unique('Paged template ') })));
    customer = await hub.createCustomer(aCustomerInput(templates[0].id, { companyName: 'Paged Bakkerij' }));
    await hub.createCustomer(aCustomerInput(templates[0].id, { companyName: 'Paged Slagerij' }));
    await hub.createCustomer(aCustomerInput(templates[1].id, { companyName: 'Other Bloemist' }));
    await hub.setupCustomer({
      customerId: customer.id,
      locations: [anAmsterdamLocation({ name: 'Paged Rotterdam' }), anAmsterdamLocation({ name: 'Paged Utrecht' })],
      users: Array.from({ length: USERS }, (_, i) => aUser({ firstName: i % 10 === 0 ? 'Jansen' : 'Eva', extension: String(3000 + i) })),
    });
  });

  /** Every item of a list, read page by page by hand: what paginate must give. */
  async function byHand<N>(fetchPage: (after?: string) => Promise<{ edges: ReadonlyArray<{ node: N }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null>): Promise<N[]> {
    const items: N[] = [];
    for (let after: string | undefined; ;) {
      const page = (await fetchPage(after))!;
      items.push(...page.edges.map((e) => e.node));
      if (!page.pageInfo.hasNextPage) return items;
      after = page.pageInfo.endCursor!;
    }
  }

  it('iterates a customer’s users across pages of 100, in the list’s order, with the filter applied to every page', async () => {
    const hub = partner.client;
    const seen: CustomerUser[] = [];
    for await (const user of hub.paginate(hub.customerUsers, customer.id)) seen.push(user);
    expect(seen).toHaveLength(USERS + 1); // the admin too
    expect(new Set(seen.map((u) => u.id)).size).toBe(USERS + 1);
    expect(seen).toEqual(await byHand((after) => hub.customerUsers(customer.id, { first: 100, after })));

    const pages: number[] = [];
    for await (const page of hub.paginate(hub.customerUsers, customer.id).pages()) pages.push(page.edges.length);
    expect(pages).toEqual([100, 100, USERS + 1 - 200]);

    const jansens: string[] = [];
    for await (const user of hub.paginate(hub.customerUsers, customer.id, { filter: { search: 'jansen' }, first: 7 })) jansens.push(user.firstName);
    expect(jansens).toHaveLength(USERS / 10);
    expect(new Set(jansens)).toEqual(new Set(['Jansen']));
  });

  it('covers every list: customers (with a filter), templates, locations, the outbox, users’ Webex state and the audit trail', async () => {
    const hub = partner.client;
    const customers = await hub.paginate(hub.customers, { first: 2 }).toArray({ limit: 10 });
    expect(customers.map((c) => c.companyName)).toEqual(['Other Bloemist', 'Paged Slagerij', 'Paged Bakkerij']);
    const filter: CustomerListArgs = { filter: { search: 'paged' }, first: 1 };
    expect((await hub.paginate(hub.customers, filter).toArray({ limit: 10 })).map((c) => c.companyName)).toEqual(['Paged Slagerij', 'Paged Bakkerij']);

    const allTemplates = await hub.paginate(hub.templates, { first: 2 }).toArray({ limit: 5 });
    expect(allTemplates.map((t) => t.id)).toEqual([...templates].reverse().map((t) => t.id));

    const locations: Location[] = await hub.paginate(hub.customerLocations, customer.id, { first: 1 }).toArray({ limit: 3 });
    expect(locations.map((l) => l.name).sort()).toEqual([customer.headquarters.name, 'Paged Rotterdam', 'Paged Utrecht'].sort());

    const outbox: OutboxMessage[] = await hub.paginate(hub.customerOutbox, customer.id, { first: 50 }).toArray({ limit: 1000 });
    expect(outbox).toEqual(await byHand((after) => hub.customerOutbox(customer.id, { first: 50, after })));
    expect(outbox.length).toBeGreaterThan(USERS); // the admin's invitation and every user's welcome email

    const webexUsers = await hub.paginate(hub.customerWebexUsers, customer.id, { first: 100 }).toArray({ limit: USERS + 1 });
    expect(webexUsers).toEqual(await byHand((after) => hub.customerWebexUsers(customer.id, { first: 100, after })));
    expect(webexUsers).toHaveLength(USERS + 1);
    expect(new Set(webexUsers.map((u) => u.webex.status))).toEqual(new Set(['NOT_SYNCED'])); // the partner is not connected to Webex

    const events: AuditEvent[] = [];
    for await (const event of hub.paginate(hub.auditEvents, { first: 3 })) events.push(event);
    expect(events).toHaveLength((await hub.auditEvents()).totalCount);
    expect(events.map((e) => e.operation)).toContain('setupCustomer');
  });

  it('toArray refuses to load more than its limit: TooManyItemsError after one page of at most `limit` items', async () => {
    const hub = partner.client;
    const asked: Array<number | undefined> = [];
    const customers = (args?: CustomerListArgs) => {
      asked.push(args?.first);
      return hub.customers(args);
    };
    const error = await hub.paginate(customers).toArray({ limit: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TooManyItemsError);
    expect(error).toMatchObject({ name: 'TooManyItemsError', limit: 2, totalCount: 3 });
    expect((error as Error).message).toMatch(/holds 3 items, more than the limit of 2/);
    expect(asked).toEqual([2]);

    // exactly at the limit is fine; the limit caps each page it asks for
    asked.length = 0;
    expect(await hub.paginate(customers, { first: 100 }).toArray({ limit: 3 })).toHaveLength(3);
    expect(asked).toEqual([3]);

    const users = await hub.paginate(hub.customerUsers, customer.id).toArray({ limit: 100 }).catch((e: unknown) => e);
    expect(users).toMatchObject({ name: 'TooManyItemsError', operation: 'customerUsers', totalCount: USERS + 1 });

    for (const bad of [undefined, 0, -1, 1.5, Number.NaN]) {
      await expect(hub.paginate(hub.customers).toArray({ limit: bad as number })).rejects.toThrow(TypeError);
    }
  });

  it('stops fetching when the loop stops', async () => {
    const hub = partner.client;
    let calls = 0;
    const users = (id: string, args?: { first?: number; after?: string }) => {
      calls++;
      return hub.customerUsers(id, args);
    };
    let n = 0;
    for await (const _user of hub.paginate(users, customer.id, { first: 10 })) if (++n === 15) break;
    expect(calls).toBe(2);
  });

  it('a customer that is missing or another partner’s is a NotFoundError, not an empty list', async () => {
    for (const [hub, id] of [[partner.client, AN_UNKNOWN_ID], [other.client, customer.id]] as const) {
      const error = await hub.paginate(hub.customerUsers, id).toArray({ limit: 10 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toMatchObject({ operation: 'customerUsers', id });
    }
  });

  it('is typed by the list it walks', () => {
    const hub = partner.client;
    expectTypeOf(hub.paginate(hub.customerUsers, customer.id)).toEqualTypeOf<PageIterator<CustomerUser>>();
    expectTypeOf(hub.paginate(hub.customers)).toEqualTypeOf<PageIterator<Customer>>();
    expectTypeOf(hub.paginate(hub.templates)).toEqualTypeOf<PageIterator<Template>>();
    expectTypeOf(hub.paginate(hub.customerOutbox, customer.id)).toEqualTypeOf<PageIterator<OutboxMessage>>();
    // @ts-expect-error a customer's users need the customer's id
    void (() => hub.paginate(hub.customerUsers));
    // @ts-expect-error a filter the list does not have
    void (() => hub.paginate(hub.customerUsers, customer.id, { filter: { companyName: 'x' } }));
    // @ts-expect-error viewer is not a list
    void (() => hub.paginate(hub.viewer));
  });
});
