/**
 * The onboarding emails, per language. Dutch for `nl` and `nl_*`, English for every other
 * language (the fallback). Add a language by adding a row.
 */
export interface EmailTexts {
  invitation(v: { brand: string; company: string; email: string }): { subject: string; body: string };
  welcome(v: { brand: string; company: string; firstName: string; email: string }): { subject: string; body: string };
}

const ENGLISH: EmailTexts = {
  invitation: ({ brand, company, email }) => ({
    subject: `${brand}: your Webex organization for ${company} is ready`,
    body: `Hello,\n\n${brand} has created a Webex organization for ${company}. You are its full administrator `
      + `(${email}).\nSign in to Control Hub to finish the setup.\n\n${brand}`,
  }),
  welcome: ({ brand, company, firstName, email }) => ({
    subject: `${brand}: welcome to Webex, ${firstName}`,
    body: `Hello ${firstName},\n\n${company} has set up Webex for you through ${brand}. Sign in with ${email} `
      + `to start calling and meeting.\n\n${brand}`,
  }),
};

const DUTCH: EmailTexts = {
  invitation: ({ brand, company, email }) => ({
    subject: `${brand}: uw Webex-organisatie voor ${company} staat klaar`,
    body: `Hallo,\n\n${brand} heeft een Webex-organisatie voor ${company} aangemaakt. U bent de hoofdbeheerder `
      + `(${email}).\nMeld u aan bij Control Hub om de installatie af te ronden.\n\n${brand}`,
  }),
  welcome: ({ brand, company, firstName, email }) => ({
    subject: `${brand}: welkom bij Webex, ${firstName}`,
    body: `Hallo ${firstName},\n\n${company} heeft Webex voor u ingericht via ${brand}. Meld u aan met ${email} `
      + `om te bellen en te vergaderen.\n\n${brand}`,
  }),
};

const BY_LANGUAGE: Record<string, EmailTexts> = { en: ENGLISH, nl: DUTCH };

/** `nl`, `nl_NL`, `nl_BE` → Dutch; anything without a row → English. */
export function emailTextsFor(language: string): EmailTexts {
  return BY_LANGUAGE[language.split(/[_-]/)[0].toLowerCase()] ?? ENGLISH;
}
