import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { childConnection } from '../graphql/child-connection';
import { ConnectionType } from '../graphql/connection';
import { callerOf, type RequestContext } from '../graphql/context';
import { PageArgsType } from '../graphql/page-args';
import { Customer } from '../customers/customer.entity';
import { OutboxMessage, OutboxStatus } from './outbox-message.entity';
import { ResendInvitationInput, ResendInvitationPayload } from './resend-invitation.inputs';

export const OutboxMessageConnection = ConnectionType('OutboxMessage', OutboxMessage);

@Resolver(() => Customer)
export class CustomerOutboxResolver {
  @FieldResolver(() => OutboxMessageConnection, { description: 'The customer’s onboarding emails, newest first.' })
  outbox(@Root() customer: Customer, @Args(() => PageArgsType) args: PageArgsType, @Ctx() ctx: RequestContext) {
    return childConnection(ctx, OutboxMessage, customer.id, 'outbox', args);
  }
}

@Resolver(() => OutboxMessage)
export class OutboxMessageResolver {
  @FieldResolver(() => Date, {
    nullable: true,
    description: 'PENDING: when the next delivery attempt is due at the earliest. After a failed attempt that is the attempt’s '
      + 'time plus the retry delay, which doubles per attempt (base × 2^(attempts − 1), at most an hour). Null once SENT or FAILED.',
  })
  nextAttemptAt(@Root() message: OutboxMessage): Date | null {
    return message.status === OutboxStatus.PENDING ? message.nextAttemptAt : null;
  }
}

/** resendInvitation (domain.md §12): the outbox's own mutation, beside the connection it adds to. */
@Resolver()
export class ResendInvitationResolver {
  @Mutation(() => ResendInvitationPayload, {
    description: 'Queue a user’s onboarding email again (ADMIN_INVITATION for the full administrator, WELCOME for others); '
      + 'while one is still unsent, that one is returned instead of a second.',
  })
  resendInvitation(@Arg('input', () => ResendInvitationInput) input: ResendInvitationInput, @Ctx() ctx: RequestContext) {
    return ctx.services.resendInvitation.resend(callerOf(ctx), input, ctx.loaders);
  }
}
