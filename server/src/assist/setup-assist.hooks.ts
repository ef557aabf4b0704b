import type { CustomerHooks } from '../customers/customer.hooks';
import { SetupAssistRequest } from './setup-assist.entity';

/** Setup Assist's side of the customer hooks (customers/customer.hooks.ts), composed in graphql/services.ts. */
export const setupAssistCustomerHooks: Pick<CustomerHooks, 'customerDeleting' | 'locationRemoving'> = {
  async customerDeleting(tx, customer) {
    await tx.delete(SetupAssistRequest, { customerId: customer.id });
  },
  async locationRemoving(tx, _customer, location) {
    // Requests for a closed branch go with it (they reference the location).
    const requests = await tx.find(SetupAssistRequest, { select: { id: true }, where: { locationId: location.id } });
    if (requests.length > 0) await tx.delete(SetupAssistRequest, { locationId: location.id });
    return requests.map((r) => r.id);
  },
};
