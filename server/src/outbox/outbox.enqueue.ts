import type { EntityManager } from 'typeorm';
import type { CustomerUser } from '../customers/customer-user.entity';
import type { CustomerHooks } from '../customers/customer.hooks';
import type { Customer } from '../customers/customer.entity';
import { bulkInsert } from '../db/bulk-insert';
import { newId } from '../db/ids';
import { emailTextsFor } from '../catalog/email-texts';
import { OutboxKind, OutboxMessage, OutboxStatus } from './outbox-message.entity';

/**
 * Emails are written in the caller's transaction, so they exist exactly when the change commits.
 * The brand comes from the customer's own snapshot of its template (Customer.templateSettings):
 * editing the template later does not rebrand an existing customer's emails.
 */
function message(customer: Customer, kind: OutboxKind, to: string, text: { subject: string; body: string }, now: Date): OutboxMessage {
  // Assigned field by field: one per created user, and `Object.assign(new X(), {...})` costs
  // about ten times more per row at 10,000 users (README, Performance).
  const m = new OutboxMessage();
  m.id = newId();
  m.customerId = customer.id;
  m.kind = kind;
  m.to = to;
  m.subject = text.subject;
  m.body = text.body;
  m.status = OutboxStatus.PENDING;
  m.attempts = 0;
  m.nextAttemptAt = now;
  m.leaseUntil = null;
  m.claimToken = null;
  m.lastError = null;
  m.createdAt = now;
  m.sentAt = null;
  return m;
}

export async function enqueueAdminInvitation(tx: EntityManager, customer: Customer, admin: CustomerUser): Promise<OutboxMessage> {
  const texts = emailTextsFor(customer.language);
  const text = texts.invitation({ brand: customer.templateSettings.brandName, company: customer.companyName, email: admin.email });
  const row = message(customer, OutboxKind.ADMIN_INVITATION, admin.email, text, new Date());
  await bulkInsert(tx, OutboxMessage, [row]);
  return row;
}

/** One welcome email per created user: multi-row inserts, no query per user. */
export async function enqueueWelcomeEmails(tx: EntityManager, customer: Customer, created: readonly CustomerUser[]): Promise<OutboxMessage[]> {
  if (created.length === 0) return [];
  const texts = emailTextsFor(customer.language);
  const brand = customer.templateSettings.brandName;
  const now = new Date();
  const rows = created.map((user) => message(customer, OutboxKind.WELCOME, user.email,
    texts.welcome({ brand, company: customer.companyName, firstName: user.firstName, email: user.email }), now));
  await bulkInsert(tx, OutboxMessage, rows);
  return rows;
}

/** The outbox's side of the customer hooks (customers/customer.hooks.ts), composed in graphql/services.ts. */
export const outboxCustomerHooks: Pick<CustomerHooks, 'customerCreated' | 'customerDeleting'> = {
  async customerCreated(tx, customer, _template, _headquarters, admin) {
    await enqueueAdminInvitation(tx, customer, admin);
  },
  async customerDeleting(tx, customer) {
    // Emails stay as the record of what was sent; those not sent yet never will be. A message a
    // sender holds right now loses its claim, so its outcome is not recorded over CANCELLED.
    await tx.update(OutboxMessage, { customerId: customer.id, status: OutboxStatus.PENDING },
      { status: OutboxStatus.CANCELLED, claimToken: null, leaseUntil: null });
  },
};
