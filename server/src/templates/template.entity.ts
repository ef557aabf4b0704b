import { Field, ID, ObjectType } from 'type-graphql';
import { Entity } from 'typeorm';
import { BooleanColumn, IdColumn, InstantColumn, RefColumn, TextColumn } from '../db/columns';
import { AuthenticationMethod, Offer } from './template.enums';

@ObjectType({ description: 'How users of a template’s customers authenticate.' })
export class TemplateAuthentication {
  @Field(() => AuthenticationMethod)
  method!: AuthenticationMethod;

  @Field(() => String, { nullable: true, description: 'PARTNER_SAML: the entity ID from the IdP’s SAML metadata.' })
  idpEntityId!: string | null;

  @Field(() => String, { nullable: true, description: 'PARTNER_OIDC: the IdP name given when it was registered.' })
  oidcIdpName!: string | null;
}

/**
 * The settings a template hands to each customer created from it. Customers keep a copy taken at
 * creation, so later edits of the template affect only customers created afterwards.
 */
export interface TemplateSettings {
  offer: Offer;
  countryCode: string;
  authenticationMethod: AuthenticationMethod;
  idpEntityId: string | null;
  oidcIdpName: string | null;
  pstnProviderId: string | null;
  brandName: string;
  defaultEmailLanguage: string;
  restrictAdminInvitationEmails: boolean;
  disableWebexCallingOneToOne: boolean;
  subscriptionId: string;
}

@ObjectType({ description: 'Step 1 of onboarding: the settings reused for many customers.' })
@Entity('onboarding_template')
export class OnboardingTemplate {
  @Field(() => ID)
  @IdColumn()
  id!: string;

  @RefColumn()
  partnerId!: string;

  @Field(() => String, {
    description: 'Opaque, URL-safe id to create customers with (as Cisco’s API does); never changes.',
  })
  @TextColumn({ length: 64 })
  provisioningId!: string;

  @Field(() => String)
  @TextColumn()
  name!: string;

  @Field(() => Offer)
  @TextColumn()
  offer!: Offer;

  @Field(() => String)
  @TextColumn({ length: 2 })
  countryCode!: string;

  @RefColumn()
  serviceProviderAdminId!: string;

  @RefColumn()
  subscriptionId!: string;

  @TextColumn()
  authenticationMethod!: AuthenticationMethod;

  @TextColumn({ nullable: true })
  idpEntityId!: string | null;

  @TextColumn({ nullable: true })
  oidcIdpName!: string | null;

  @RefColumn({ nullable: true })
  pstnProviderId!: string | null;

  @Field(() => String, { description: 'Shown in every onboarding email sent to this template’s customers.' })
  @TextColumn()
  brandName!: string;

  @Field(() => String)
  @TextColumn()
  defaultEmailLanguage!: string;

  @Field(() => Boolean)
  @BooleanColumn()
  restrictAdminInvitationEmails!: boolean;

  @Field(() => Boolean)
  @BooleanColumn()
  disableWebexCallingOneToOne!: boolean;

  @Field(() => String, { nullable: true, description: 'The Provisioning ID of the matching template in Partner Hub: customers created from this template are carried to Webex with it.' })
  @TextColumn({ length: 256, nullable: true })
  webexProvisioningId!: string | null;

  @Field(() => Date)
  @InstantColumn()
  createdAt!: Date;

  @Field(() => Date)
  @InstantColumn()
  updatedAt!: Date;
}

export function settingsOf(template: OnboardingTemplate): TemplateSettings {
  return {
    offer: template.offer,
    countryCode: template.countryCode,
    authenticationMethod: template.authenticationMethod,
    idpEntityId: template.idpEntityId,
    oidcIdpName: template.oidcIdpName,
    pstnProviderId: template.pstnProviderId,
    brandName: template.brandName,
    defaultEmailLanguage: template.defaultEmailLanguage,
    restrictAdminInvitationEmails: template.restrictAdminInvitationEmails,
    disableWebexCallingOneToOne: template.disableWebexCallingOneToOne,
    subscriptionId: template.subscriptionId,
  };
}
