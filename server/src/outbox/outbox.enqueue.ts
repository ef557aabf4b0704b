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

const CANCEL_CHUNK = 900;

/**
 * The UPDATE of cancelUnsentTo for `count` addresses (parameters: the new status, the customer,
 * the addresses). 'PENDING' is a literal: only then may the planners use the partial index of
 * unsent emails (ix_outbox_unsent_recipient), so the cost follows the addresses, not the outbox.
 */
export function cancelUnsentSql(postgres: boolean, count: number): string {
  const mark = (n: number) => (postgres ? `$${n}` : '?');
  const marks = Array.from({ length: count }, (_, j) => mark(j + 3)).join(', ');
  return `UPDATE "outbox_message" SET "status" = ${mark(1)}, "claimToken" = NULL, "leaseUntil" = NULL `
    + `WHERE "customerId" = ${mark(2)} AND "status" = '${OutboxStatus.PENDING}' AND "recipient" IN (${marks}) RETURNING "kind", "recipient"`;
}

/**
 * The customer's unsent emails to these addresses become CANCELLED (removeUsers; updateUsers when
 * an address changes): a few statements per 900 addresses, never one per user. A message a sender
 * holds right now loses its claim, so its outcome is not recorded over CANCELLED (as in
 * deleteCustomer). Returns the cancelled messages' kind and address, for those that are re-queued.
 */
export async function cancelUnsentTo(tx: EntityManager, customerId: string, emails: readonly string[]): Promise<{ kind: OutboxKind; to: string }[]> {
  const cancelled: { kind: OutboxKind; to: string }[] = [];
  const postgres = tx.connection.driver.options.type === 'postgres';
  for (let i = 0; i < emails.length; i += CANCEL_CHUNK) {
    const chunk = emails.slice(i, i + CANCEL_CHUNK);
    const result: unknown = await tx.query(cancelUnsentSql(postgres, chunk.length), [OutboxStatus.CANCELLED, customerId, ...chunk]);
    // PostgreSQL's driver answers an UPDATE … RETURNING as [rows, count]; SQLite's as the rows.
    const rows = (postgres && Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result) as { kind: OutboxKind; recipient: string }[];
    for (const r of rows) cancelled.push({ kind: r.kind, to: r.recipient });
  }
  return cancelled;
}

/**
 * Users whose address changed (updateUsers): an unsent invitation or welcome to the old address is
 * CANCELLED and the same kind is queued to the new one, written for the new address (the body
 * names it). A fresh message rather than a readdressed one, so the outbox keeps the record of the
 * address it was first meant for, and the new one starts with its own attempts. An email already
 * sent is not repeated: resendInvitation sends it again, and then finds (and answers) the unsent
 * one queued here instead of queueing a second.
 */
export async function readdressUnsent(
  tx: EntityManager, customer: Customer, moves: readonly { before: CustomerUser; after: CustomerUser }[],
): Promise<OutboxMessage[]> {
  if (moves.length === 0) return [];
  const byOldAddress = new Map(moves.map((m) => [m.before.email, m.after]));
  const cancelled = await cancelUnsentTo(tx, customer.id, [...byOldAddress.keys()]);
  const invited = new Map<string, CustomerUser>();
  const welcomed = new Map<string, CustomerUser>();
  for (const { kind, to } of cancelled) {
    const user = byOldAddress.get(to);
    if (!user) continue;
    (kind === OutboxKind.ADMIN_INVITATION ? invited : welcomed).set(user.id, user);
  }
  const queued: OutboxMessage[] = [];
  for (const admin of invited.values()) queued.push(await enqueueAdminInvitation(tx, customer, admin));
  queued.push(...await enqueueWelcomeEmails(tx, customer, [...welcomed.values()]));
  return queued;
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
