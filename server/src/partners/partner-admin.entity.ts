import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Column, Entity } from 'typeorm';
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

  /** Set by `disable-admin`: its tokens stop working, it is not listed and cannot be named on a template. */
  @InstantColumn({ nullable: true })
  disabledAt!: Date | null;

  /**
   * The CLI's own import identity (one per partner, without tokens): audit events of a CSV import
   * name it, but it is never listed in `viewer.partner.admins` nor accepted as a template's admin.
   */
  @Column({ type: 'boolean', default: false })
  system!: boolean;
}
