import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Customer } from '../customers/customer.entity';
import { UserError } from '../errors/user-error';
import { WebexConnection } from './webex.entities';

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
  @Field(() => ID)
  customerId!: string;
}

@ObjectType()
export class RetryWebexSyncPayload {
  @Field(() => Customer, { nullable: true })
  customer!: Customer | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
