import { Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { PstnProvider } from '../catalog/pstn-provider.entity';
import type { RequestContext } from '../graphql/context';
import { WholesaleSubscription } from '../partners/wholesale-subscription.entity';
import { TemplateAuthentication, type TemplateSettings } from '../templates/template.entity';
import { AuthenticationMethod, Offer } from '../templates/template.enums';

/**
 * Customer.templateSettings: the customer's own copy of its template's settings (the JSON column
 * Customer.templateSettings), with fields named as on OnboardingTemplate.
 */
@ObjectType({
  description: 'The template settings a customer was created with: its own copy, taken at its creation. Later edits of '
    + 'the template change the template, not this copy; the customer’s onboarding emails use it (their brand name, for example).',
})
export class CustomerTemplateSettings implements TemplateSettings {
  @Field(() => Offer)
  offer!: Offer;

  @Field(() => String)
  countryCode!: string;

  authenticationMethod!: AuthenticationMethod;
  idpEntityId!: string | null;
  oidcIdpName!: string | null;
  pstnProviderId!: string | null;
  subscriptionId!: string;

  @Field(() => String, { description: 'Shown in every onboarding email sent to this customer.' })
  brandName!: string;

  @Field(() => String)
  defaultEmailLanguage!: string;

  @Field(() => Boolean)
  restrictAdminInvitationEmails!: boolean;

  @Field(() => Boolean)
  disableWebexCallingOneToOne!: boolean;
}

@Resolver(() => CustomerTemplateSettings)
export class CustomerTemplateSettingsResolver {
  @FieldResolver(() => TemplateAuthentication)
  authentication(@Root() settings: TemplateSettings): TemplateAuthentication {
    return { method: settings.authenticationMethod, idpEntityId: settings.idpEntityId, oidcIdpName: settings.oidcIdpName };
  }

  @FieldResolver(() => PstnProvider, { nullable: true })
  pstnProvider(@Root() settings: TemplateSettings, @Ctx() ctx: RequestContext) {
    return settings.pstnProviderId ? ctx.loaders.pstnProvider.load(settings.pstnProviderId) : null;
  }

  @FieldResolver(() => WholesaleSubscription)
  subscription(@Root() settings: TemplateSettings, @Ctx() ctx: RequestContext) {
    return ctx.loaders.subscription.load(settings.subscriptionId);
  }
}
