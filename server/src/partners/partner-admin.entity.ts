import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Entity } from 'typeorm';
import { IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';

export enum PartnerAdminRole {
  FULL_ADMIN = 'FULL_ADMIN',
  READ_ONLY = 'READ_ONLY',
}
registerEnumType(PartnerAdminRole, {
  name: 'PartnerAdminRole',
  description: 'FULL_ADMIN may run mutations; READ_ONLY may only query.',
});

@ObjectType({ description: 'A partner’s administrator: signs in with API tokens.' })
@Entity('partner_admin')
export class PartnerAdmin {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  partnerId!: string;

  @Field(() => String)
  @TextColumn()
  email!: string;

  @Field(() => String)
  @TextColumn()
  displayName!: string;

  @Field(() => PartnerAdminRole)
  @TextColumn()
  role!: PartnerAdminRole;

  @InstantColumn()
  createdAt!: Date;
}
