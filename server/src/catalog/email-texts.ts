import { languageName } from './languages';

/**
 * The onboarding emails, per language: English, Dutch, German and French (the languages of the
 * EU and UK data regions' main markets that we can write well), each chosen by the language part
 * of the customer's language (`de_CH` → German). Any other language gets English, and
 * createCustomer's payload says so (emailLanguageWarnings). Add a language by adding a row; read
 * the texts whole when you do: formal address (Sie, vous, u), one voice per email.
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

const GERMAN: EmailTexts = {
  invitation: ({ brand, company, email }) => ({
    subject: `${brand}: Ihre Webex-Organisation für ${company} ist bereit`,
    body: `Guten Tag,\n\n${brand} hat für ${company} eine Webex-Organisation eingerichtet. Sie sind als deren `
      + `Volladministrator eingetragen (${email}).\nBitte melden Sie sich bei Control Hub an, um die Einrichtung `
      + `abzuschließen.\n\nMit freundlichen Grüßen\n${brand}`,
  }),
  welcome: ({ brand, company, firstName, email }) => ({
    subject: `${brand}: Willkommen bei Webex, ${firstName}`,
    body: `Hallo ${firstName},\n\n${company} hat Webex über ${brand} für Sie eingerichtet. Melden Sie sich mit ${email} `
      + `an, um zu telefonieren und an Meetings teilzunehmen.\n\nMit freundlichen Grüßen\n${brand}`,
  }),
};

/** French typography: a no-break space before the colon. */
const FRENCH: EmailTexts = {
  invitation: ({ brand, company, email }) => ({
    subject: `${brand}\u00a0: votre organisation Webex pour ${company} est prête`,
    body: `Bonjour,\n\n${brand} a créé une organisation Webex pour ${company}. Vous en êtes l’administrateur complet `
      + `(${email}).\nConnectez-vous à Control Hub pour terminer la configuration.\n\nCordialement,\n${brand}`,
  }),
  welcome: ({ brand, company, firstName, email }) => ({
    subject: `${brand}\u00a0: bienvenue sur Webex, ${firstName}`,
    body: `Bonjour ${firstName},\n\n${company} a mis en place Webex pour vous via ${brand}. `
      + `Connectez-vous avec ${email} pour passer des appels et participer à des réunions.\n\nCordialement,\n${brand}`,
  }),
};

const BY_LANGUAGE: Record<string, EmailTexts> = { en: ENGLISH, nl: DUTCH, de: GERMAN, fr: FRENCH };

/** The language part of `nl_BE`, `nl-BE` or `nl`. */
function baseLanguage(language: string): string {
  return language.split(/[_-]/)[0].toLowerCase();
}

/** `nl`, `nl_NL`, `nl_BE` → Dutch; `de_CH` → German; anything without a row → English. */
export function emailTextsFor(language: string): EmailTexts {
  return BY_LANGUAGE[baseLanguage(language)] ?? ENGLISH;
}

/** Whether the onboarding emails have a text in this language (otherwise they are sent in English). */
export function hasEmailTexts(language: string): boolean {
  return baseLanguage(language) in BY_LANGUAGE;
}

/**
 * createCustomer's warning when the customer's language has no email text (domain.md §14): the
 * emails still go out, in English, and the partner should know before the customer reads them.
 */
export function emailLanguageWarnings(language: string): string[] {
  if (hasEmailTexts(language)) return [];
  const name = languageName(baseLanguage(language));
  return [`The onboarding emails have no text in ${name ?? language} (${language}): they will be sent in English.`];
}
