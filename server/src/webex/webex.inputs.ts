import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Customer } from '../customers/customer.entity';
import { UserError } from '../errors/user-error';
import { WebexConnection, WebexSync } from './webex.entities';

@InputType({ description: 'A partner administrator’s Webex OAuth tokens (scopes spark-admin:wholesale_*; locations_write for extra locations).' })
export class ConnectWebexInput {
  @Field(() => String, { description: 'Checked with one call to Webex, then stored encrypted; never shown again.' })
  accessToken!: string;

  @Field(() => String, { nullable: true, description: 'Lets the server refresh an expired access token once (with WEBEX_CLIENT_ID/WEBEX_CLIENT_SECRET).' })
  refreshToken?: string | null;
}

@ObjectType()
export class ConnectWebexPayload {
  @Field(() => WebexConnection, { nullable: true })
  connection!: WebexConnection | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}

@InputType()
export class RetryWebexSyncInput {
  @Field(() => ID, {
    description: 'A customer of your partner; or one you deleted whose removal at Webex is still pending or was refused '
      + '(its DELETE /wholesale/customers/{id} is then what goes again).',
  })
  customerId!: string;
}

@ObjectType()
export class RetryWebexSyncPayload {
  @Field(() => Customer, { nullable: true, description: 'The customer re-driven; null when customerId named a deleted customer (see deletedCustomerId).' })
  customer!: Customer | null;

  @Field(() => ID, {
    nullable: true,
    description: 'Set when customerId named a customer deleted here whose removal at Webex had not gone through: that removal is what was re-driven.',
  })
  deletedCustomerId!: string | null;

  @Field(() => WebexSync, {
    nullable: true,
    description: 'Where the re-driven customer (or the deleted customer’s removal) stands in Webex after this call; null on userErrors.',
  })
  webex!: WebexSync | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
