import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error';
import { SetupAssistRequest } from './setup-assist.entity';

@InputType()
export class RequestSetupAssistInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => ID, { description: 'A location of the customer.' })
  locationId!: string;

  @Field(() => String, { description: '1–256 characters.' })
  contactName!: string;

  @Field(() => String)
  contactEmail!: string;

  @Field(() => String, { nullable: true, description: 'International form, e.g. +31 20 794 8000; stored in E.164.' })
  contactPhone?: string | null;

  @Field(() => String, { nullable: true, description: 'At most 2000 characters.' })
  notes?: string | null;
}

@ObjectType()
export class RequestSetupAssistPayload {
  @Field(() => SetupAssistRequest, { nullable: true })
  request!: SetupAssistRequest | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
