import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { UserError } from '../errors/user-error';
import { AuthenticationMethod, Offer } from './template.enums';
import { OnboardingTemplate } from './template.entity';

@InputType({ description: 'How users of the template’s customers sign in. Omitted: { method: WEBEX }.' })
export class TemplateAuthenticationInput {
  @Field(() => AuthenticationMethod)
  method!: AuthenticationMethod;

  @Field(() => String, { nullable: true, description: 'Required with PARTNER_SAML (≤ 1024 characters); not allowed otherwise.' })
  idpEntityId?: string | null;

  @Field(() => String, { nullable: true, description: 'Required with PARTNER_OIDC (≤ 256 characters); not allowed otherwise.' })
  oidcIdpName?: string | null;
}

@InputType()
export class CreateTemplateInput {
  @Field(() => Offer, { nullable: true, defaultValue: Offer.WEBEX_WHOLESALE })
  offer?: Offer | null;

  @Field(() => String, { description: '1–80 characters, unique per partner (case-insensitive).' })
  name!: string;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2, e.g. NL.' })
  countryCode!: string;

  @Field(() => ID, { description: 'One of your partner’s admins (see viewer.partner.admins).' })
  serviceProviderAdminId!: string;

  @Field(() => ID, { description: 'One of your partner’s wholesale subscriptions (see viewer.partner.subscriptions).' })
  subscriptionId!: string;

  @Field(() => TemplateAuthenticationInput, { nullable: true })
  authentication?: TemplateAuthenticationInput | null;

  @Field(() => ID, { nullable: true, description: 'A Cloud Connected PSTN provider (not recommended: set PSTN per customer).' })
  pstnProviderId?: string | null;

  @Field(() => String, { description: '1–100 characters; shown in every onboarding email.' })
  brandName!: string;

  @Field(() => String, { nullable: true, description: '`ll` or `ll_CC` (also written `ll-CC`, stored as `ll_CC`); default en_US.' })
  defaultEmailLanguage?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  restrictAdminInvitationEmails?: boolean | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false })
  disableWebexCallingOneToOne?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The Provisioning ID of the matching template in Partner Hub (≤ 256 characters); without it customers are not carried to Webex.' })
  webexProvisioningId?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Validate and answer as the real call would, but write nothing.' })
  dryRun?: boolean | null;
}

@ObjectType()
export class CreateTemplatePayload {
  @Field(() => OnboardingTemplate, { nullable: true })
  template!: OnboardingTemplate | null;

  @Field(() => [UserError])
  userErrors!: UserError[];

  @Field(() => [String])
  warnings!: string[];
}

@InputType({
  description: 'Changes to a template: only the fields given change. The provisioning ID never changes, and customers '
    + 'created earlier keep the settings they were created with. null resets an optional field to its default '
    + '(pstnProviderId: none, defaultEmailLanguage: en_US, authentication: WEBEX, booleans: false).',
})
export class UpdateTemplateInput {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  countryCode?: string | null;

  @Field(() => ID, { nullable: true })
  serviceProviderAdminId?: string | null;

  @Field(() => ID, { nullable: true })
  subscriptionId?: string | null;

  @Field(() => TemplateAuthenticationInput, { nullable: true })
  authentication?: TemplateAuthenticationInput | null;

  @Field(() => ID, { nullable: true })
  pstnProviderId?: string | null;

  @Field(() => String, { nullable: true })
  brandName?: string | null;

  @Field(() => String, { nullable: true })
  defaultEmailLanguage?: string | null;

  @Field(() => Boolean, { nullable: true })
  restrictAdminInvitationEmails?: boolean | null;

  @Field(() => Boolean, { nullable: true })
  disableWebexCallingOneToOne?: boolean | null;

  @Field(() => String, { nullable: true, description: 'The Provisioning ID of the matching template in Partner Hub (≤ 256 characters); without it customers are not carried to Webex.' })
  webexProvisioningId?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Validate and answer as the real call would, but write nothing.' })
  dryRun?: boolean | null;
}

@ObjectType()
export class UpdateTemplatePayload {
  @Field(() => OnboardingTemplate, { nullable: true })
  template!: OnboardingTemplate | null;

  @Field(() => [UserError])
  userErrors!: UserError[];

  @Field(() => [String])
  warnings!: string[];
}

@InputType()
export class DeleteTemplateInput {
  @Field(() => ID, { description: 'A template no customer uses (IN_USE otherwise).' })
  id!: string;
}

@ObjectType()
export class DeleteTemplatePayload {
  @Field(() => ID, { nullable: true })
  deletedTemplateId!: string | null;

  @Field(() => [UserError])
  userErrors!: UserError[];
}
