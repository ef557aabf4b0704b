import { registerEnumType } from 'type-graphql';

export enum Offer {
  WEBEX_WHOLESALE = 'WEBEX_WHOLESALE',
}
registerEnumType(Offer, { name: 'Offer', description: 'The commercial offer a template provisions.' });

export enum AuthenticationMethod {
  WEBEX = 'WEBEX',
  PARTNER_SAML = 'PARTNER_SAML',
  PARTNER_OIDC = 'PARTNER_OIDC',
}
registerEnumType(AuthenticationMethod, {
  name: 'AuthenticationMethod',
  description: 'How users of customers created from a template sign in.',
  valuesConfig: {
    WEBEX: { description: 'Webex Common Identity (the default).' },
    PARTNER_SAML: { description: 'The partner’s SAML identity provider (needs idpEntityId).' },
    PARTNER_OIDC: { description: 'The partner’s OIDC identity provider (needs oidcIdpName).' },
  },
});
