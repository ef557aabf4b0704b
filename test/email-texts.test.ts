import { describe, expect, it } from 'vitest';
import { emailLanguageWarnings, emailTextsFor, hasEmailTexts } from '../server/src/catalog/email-texts';

/** The whole texts, as a customer reads them: reviewed in full, formal address (Sie, vous). */
describe('onboarding email texts (domain.md §14)', () => {
  const v = { brand: 'Acme Telecom', company: 'Bäckerei Müller', email: 'anna@mueller.example', firstName: 'Anna' };

  it('German: invitation and welcome, formal "Sie"', () => {
    const texts = emailTextsFor('de_DE');
    expect(texts.invitation(v)).toEqual({
      subject: 'Acme Telecom: Ihre Webex-Organisation für Bäckerei Müller ist bereit',
      body: 'Guten Tag,\n\n'
        + 'Acme Telecom hat für Bäckerei Müller eine Webex-Organisation eingerichtet. Sie sind als deren Volladministrator eingetragen (anna@mueller.example).\n'
        + 'Bitte melden Sie sich bei Control Hub an, um die Einrichtung abzuschließen.\n\n'
        + 'Mit freundlichen Grüßen\nAcme Telecom',
    });
    expect(texts.welcome(v)).toEqual({
      subject: 'Acme Telecom: Willkommen bei Webex, Anna',
      body: 'Hallo Anna,\n\n'
        + 'Bäckerei Müller hat Webex über Acme Telecom für Sie eingerichtet. Melden Sie sich mit anna@mueller.example an, um zu telefonieren und an Meetings teilzunehmen.\n\n'
        + 'Mit freundlichen Grüßen\nAcme Telecom',
    });
  });

  it('French: invitation and welcome, formal "vous", French typography', () => {
    const texts = emailTextsFor('fr-CA');
    const company = { ...v, company: 'Boulangerie Dupont', firstName: 'Léa', email: 'lea@dupont.example' };
    expect(texts.invitation(company)).toEqual({
      subject: 'Acme Telecom\u00a0: votre organisation Webex pour Boulangerie Dupont est prête',
      body: 'Bonjour,\n\n'
        + 'Acme Telecom a créé une organisation Webex pour Boulangerie Dupont. Vous en êtes l’administrateur complet (lea@dupont.example).\n'
        + 'Connectez-vous à Control Hub pour terminer la configuration.\n\n'
        + 'Cordialement,\nAcme Telecom',
    });
    expect(texts.welcome(company)).toEqual({
      subject: 'Acme Telecom\u00a0: bienvenue sur Webex, Léa',
      body: 'Bonjour Léa,\n\n'
        + 'Boulangerie Dupont a mis en place Webex pour vous via Acme Telecom. Connectez-vous avec lea@dupont.example pour passer des appels et participer à des réunions.\n\n'
        + 'Cordialement,\nAcme Telecom',
    });
  });

  it('chooses by the language part; a language without texts gets English and a warning naming both', () => {
    for (const language of ['de', 'de_AT', 'de-CH', 'fr', 'fr_BE', 'nl_NL', 'en_GB']) expect(hasEmailTexts(language), language).toBe(true);
    expect(emailTextsFor('ja_JP').invitation(v).subject).toBe('Acme Telecom: your Webex organization for Bäckerei Müller is ready');
    expect(emailLanguageWarnings('ja_JP')).toEqual(['The onboarding emails have no text in Japanese (ja_JP): they will be sent in English.']);
    expect(emailLanguageWarnings('de_CH')).toEqual([]);
    expect(emailLanguageWarnings('en_US')).toEqual([]);
  });
});
