import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error';
import { CustomerAdminRole } from './customer.enums';
import { CustomerUser } from './customer-user.entity';

@InputType()
export class CustomerAdminRoleAssignmentInput {
  @Field(() => ID, { description: 'A user of the customer.' })
  userId!: string;

  @Field(() => [CustomerAdminRole], { description: 'The user’s roles after the call (an empty list removes every role).' })
  roles!: CustomerAdminRole[];
}

@InputType()
export class AssignCustomerAdminRolesInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => [CustomerAdminRoleAssignmentInput])
  assignments!: CustomerAdminRoleAssignmentInput[];
}

@ObjectType()
export class AssignCustomerAdminRolesPayload {
  @Field(() => [CustomerUser], { description: 'The users of the assignments, with their new roles (empty on failure).' })
  users!: CustomerUser[];

  @Field(() => [UserError])
  userErrors!: UserError[];
}
