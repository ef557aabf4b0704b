import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error';
import { OutboxMessage } from './outbox-message.entity';

@InputType({ description: 'Queue a user’s onboarding email again: ADMIN_INVITATION for the full administrator, WELCOME for others.' })
export class ResendInvitationInput {
  @Field(() => ID)
  userId!: string;
}

@ObjectType({ simpleResolvers: true })
export class ResendInvitationPayload {
  @Field(() => OutboxMessage, { nullable: true, description: 'The queued email; while one is still unsent, that one (no second is queued).' })
  message!: OutboxMessage | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
