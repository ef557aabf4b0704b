import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ConnectionType, parsePageArgs, toPage } from '../common/connection';
import type { RequestContext } from '../common/context';
import { PageArgsType } from '../common/page-args';
import { previewOf } from '../customers/customer.preview';
import { Customer } from '../customers/customer.entity';
import { OutboxMessage, OutboxStatus } from './outbox-message.entity';

export const OutboxMessageConnection = ConnectionType('OutboxMessage', OutboxMessage);

@Resolver(() => Customer)
export class CustomerOutboxResolver {
  @FieldResolver(() => OutboxMessageConnection, { description: 'The customer’s onboarding emails, newest first.' })
  async outbox(@Root() customer: Customer, @Args(() => PageArgsType) args: PageArgsType, @Ctx() ctx: RequestContext) {
    const request = parsePageArgs(args, `${customer.id}/outbox`);
    // A dry run's emails were rolled back with it.
    if (previewOf(customer)) return toPage([], request, () => 0);
    const query = { ...request, where: null, key: '' };
    const rows = await ctx.loaders.childPage(OutboxMessage, 'customerId', query).load(customer.id);
    return toPage(rows, request, () => ctx.loaders.childCount(OutboxMessage, 'customerId', query).load(customer.id));
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
