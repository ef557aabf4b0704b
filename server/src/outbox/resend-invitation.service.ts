import type { Caller } from '../auth/caller';
import { CustomerUser } from '../customers/customer-user.entity';
import { Customer } from '../customers/customer.entity';
import { ResendInvitationInput, ResendInvitationPayload } from './resend-invitation.inputs';
import type { Database } from '../db/database';
import { isId } from '../db/ids';
import { lockRow } from '../db/lock-row';
import { UserErrorCode } from '../errors/user-error';
import type { Loaders } from '../graphql/loaders';
import { defineMutation, STOP } from '../mutations/define-mutation';
import { OutboxKind, OutboxMessage, OutboxStatus } from './outbox-message.entity';
import { enqueueAdminInvitation, enqueueWelcomeEmails } from './outbox.enqueue';

/**
 * resendInvitation (domain.md §12): the user's onboarding email again, ADMIN_INVITATION for the
 * full administrator and WELCOME for anyone else. While one of that kind to the user's address is
 * still unsent (PENDING, retries included), that one is the answer: an impatient admin clicking
 * twice must not send the user two emails. Returning it writes nothing and records no audit event.
 */
export class ResendInvitationService {
  constructor(private readonly db: Database) {}

  private readonly resendMutation = defineMutation({
    name: 'resendInvitation',
    dryRun: () => false,
    normalise: (input: ResendInvitationInput) => input.userId,
    check: async (tx, userId, errors, caller) => {
      // Two clicks at once (PostgreSQL): the second waits, then finds the first's email unsent.
      if (isId(userId)) await lockRow(tx, 'customer_user', userId);
      const user = isId(userId) ? await tx.findOneBy(CustomerUser, { id: userId }) : null;
      const customer = user ? await tx.findOneBy(Customer, { id: user.customerId, partnerId: caller.partnerId }) : null;
      if (!user || !customer) {
        errors.add(UserErrorCode.NOT_FOUND, 'No user of your partner’s customers has this id.', 'userId');
        return STOP;
      }
      const kind = user.email === customer.adminEmail ? OutboxKind.ADMIN_INVITATION : OutboxKind.WELCOME;
      const unsent = await tx.findOne(OutboxMessage, {
        where: { customerId: customer.id, to: user.email, kind, status: OutboxStatus.PENDING },
        order: { id: 'DESC' },
      });
      return { user, customer, kind, unsent };
    },
    write: async (tx, { user, customer, kind, unsent }) => {
      if (unsent) return { value: unsent, changed: [] };
      const message = kind === OutboxKind.ADMIN_INVITATION
        ? await enqueueAdminInvitation(tx, customer, user)
        : (await enqueueWelcomeEmails(tx, customer, [user]))[0];
      return { value: message, changed: [customer.id, user.id, message.id] };
    },
    payload: (outcome): ResendInvitationPayload => (outcome.ok
      ? { message: outcome.value, userErrors: [] }
      : { message: null, userErrors: outcome.userErrors }),
  });

  resend(caller: Caller, input: ResendInvitationInput, loaders?: Loaders | null): Promise<ResendInvitationPayload> {
    return this.resendMutation.run(this.db, { caller, loaders }, input);
  }
}
