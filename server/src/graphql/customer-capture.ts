import type { EntityManager } from 'typeorm';
import { SetupAssistRequest } from '../assist/setup-assist.entity';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { Location } from '../customers/location.entity';
import type { Overlay } from '../mutations/overlay';
import { OutboxMessage } from '../outbox/outbox-message.entity';
import { WebexSyncRow } from '../webex/webex.entities';

/**
 * Everything a customer's answer can show, read inside the dry run's transaction: its locations,
 * users, emails and Setup Assist requests, and its template's customer count. Reads one table after
 * another: a transaction is one connection, and pg queues (and warns about) concurrent queries on it.
 */
export async function captureCustomer(tx: EntityManager, overlay: Overlay, customer: Customer): Promise<void> {
  const where = { customerId: customer.id };
  overlay.put(Customer, [customer]);
  overlay.cover(Location, 'customerId', customer.id, await tx.findBy(Location, where));
  overlay.cover(CustomerUser, 'customerId', customer.id, await tx.findBy(CustomerUser, where));
  overlay.cover(OutboxMessage, 'customerId', customer.id, await tx.findBy(OutboxMessage, where));
  overlay.cover(SetupAssistRequest, 'customerId', customer.id, await tx.findBy(SetupAssistRequest, where));
  // Where the customer, its locations and users stand in Webex (QUEUED when this call queues them).
  overlay.cover(WebexSyncRow, 'customerId', customer.id, await tx.findBy(WebexSyncRow, where));
  overlay.count('customerCountByTemplate', customer.templateId, await tx.countBy(Customer, { templateId: customer.templateId }));
}
