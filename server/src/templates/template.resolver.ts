import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgsType } from '../graphql/page-args';
import { PstnProvider } from '../catalog/pstn-provider.entity';
import { ConnectionType } from '../graphql/connection';
import { callerOf, RequestContext } from '../graphql/context';
import { PartnerAdmin } from '../partners/partner-admin.entity';
import { WholesaleSubscription } from '../partners/wholesale-subscription.entity';
import { OnboardingTemplate, TemplateAuthentication } from './template.entity';
import {
  CreateTemplateInput, CreateTemplatePayload, DeleteTemplateInput, DeleteTemplatePayload, UpdateTemplateInput, UpdateTemplatePayload,
} from './template.inputs';

export const OnboardingTemplateConnection = ConnectionType('OnboardingTemplate', OnboardingTemplate);

@Resolver(() => OnboardingTemplate)
export class TemplateResolver {
  @Mutation(() => CreateTemplatePayload, { description: 'Step 1: configure an onboarding template (dryRun: the wizard’s review step).' })
  createTemplate(@Arg('input', () => CreateTemplateInput) input: CreateTemplateInput, @Ctx() ctx: RequestContext) {
    return ctx.services.templates.create(callerOf(ctx), input, ctx.loaders);
  }

  @Mutation(() => UpdateTemplatePayload, {
    description: 'Edit a template (same rules as createTemplate); affects only customers created afterwards.',
  })
  updateTemplate(@Arg('input', () => UpdateTemplateInput) input: UpdateTemplateInput, @Ctx() ctx: RequestContext) {
    return ctx.services.templateEdits.update(callerOf(ctx), input, ctx.loaders);
  }

  @Mutation(() => DeleteTemplatePayload, { description: 'Delete a template that no customer uses (IN_USE otherwise).' })
  deleteTemplate(@Arg('input', () => DeleteTemplateInput) input: DeleteTemplateInput, @Ctx() ctx: RequestContext) {
    return ctx.services.templateEdits.delete(callerOf(ctx), input, ctx.loaders);
  }

  @Query(() => OnboardingTemplateConnection, { description: 'Your partner’s templates, newest first.' })
  templates(@Args(() => PageArgsType) args: PageArgsType, @Ctx() ctx: RequestContext) {
    return ctx.services.templates.list(callerOf(ctx), args);
  }

  @Query(() => OnboardingTemplate, { nullable: true })
  template(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext) {
    return ctx.services.templates.byId(callerOf(ctx), id);
  }

  @Query(() => OnboardingTemplate, { nullable: true, description: 'The template a provisioning ID belongs to (yours only); the argument is trimmed like createCustomer’s.' })
  templateByProvisioningId(@Arg('provisioningId', () => String) provisioningId: string, @Ctx() ctx: RequestContext) {
    return ctx.services.templates.byProvisioningId(callerOf(ctx), provisioningId);
  }

  @FieldResolver(() => TemplateAuthentication)
  authentication(@Root() template: OnboardingTemplate): TemplateAuthentication {
    return {
      method: template.authenticationMethod,
      idpEntityId: template.idpEntityId,
      oidcIdpName: template.oidcIdpName,
    };
  }

  @FieldResolver(() => PartnerAdmin)
  async serviceProviderAdmin(@Root() template: OnboardingTemplate, @Ctx() ctx: RequestContext) {
    return ctx.loaders.admin.load(template.serviceProviderAdminId);
  }

  @FieldResolver(() => WholesaleSubscription)
  async subscription(@Root() template: OnboardingTemplate, @Ctx() ctx: RequestContext) {
    return ctx.loaders.subscription.load(template.subscriptionId);
  }

  @FieldResolver(() => PstnProvider, { nullable: true })
  async pstnProvider(@Root() template: OnboardingTemplate, @Ctx() ctx: RequestContext) {
    return template.pstnProviderId ? ctx.loaders.pstnProvider.load(template.pstnProviderId) : null;
  }

  @FieldResolver(() => Int, { description: 'How many customers were created from this template.' })
  customerCount(@Root() template: OnboardingTemplate, @Ctx() ctx: RequestContext) {
    return ctx.loaders.customerCountByTemplate.load(template.id);
  }
}
