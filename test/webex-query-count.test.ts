import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aCustomerInput, aUser } from './support/factories';
import { allProvisioned, connectedPartner, createCustomer, customerSync, setupCustomer, startWebexHarness, waitFor, type WebexHarness } from './support/webex-harness';

/**
 * The `webex` fields are batched (one query per kind of parent, whatever the page size): a page of
 * customers with their locations' and users' Webex state costs the same number of statements for
 * 1, 5 or 12 customers. Counted with the x-sql-statements header, never timed.
 */
const NESTED = `query ($first: Int!) { viewer { partner { webexConnection { connected } } }
  customers(first: $first) { edges { node {
    webex { status webexId }
    locations { edges { node { webex { status webexId } } } }
    users(first: 50) { edges { node { webex { status webexId errors { description } } } } }
  } } } }`;

describe('webex fields are batched', () => {
  let h: WebexHarness;
  let token: string;

  beforeAll(async () => {
    h = await startWebexHarness();
    const { partner, templateId } = await connectedPartner(h);
    token = partner.token;
    for (let i = 0; i < 12; i++) {
      const customer = await createCustomer(h, partner, aCustomerInput(templateId, { package: 'WEBEX_SUITE' }));
      await setupCustomer(h, partner, { customerId: customer.id, users: [{ ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail }, aUser(), aUser()] });
      await waitFor(() => customerSync(h, partner, customer.id), allProvisioned, 'a customer to be provisioned');
    }
  }, 180_000);
  afterAll(async () => {
    await h?.stop();
  });

  it('answers customers(first: 1 | 5 | 12) with every webex field in the same number of statements', async () => {
    const counts: number[] = [];
    for (const first of [1, 5, 12]) {
      const response = await h.server.post({ query: NESTED, variables: { first } }, { token });
      expect(response.body.errors).toBeUndefined();
      const nodes = response.body.data.customers.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(first);
      expect(nodes.every((n: any) => n.webex.status === 'PROVISIONED' && n.users.edges.every((u: any) => u.node.webex.status === 'PROVISIONED'))).toBe(true);
      counts.push(Number(response.headers.get('x-sql-statements')));
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(new Set(counts).size, `statements per page size: ${counts.join(', ')}`).toBe(1);
  });
});
