import { print } from 'graphql';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SetupCustomerDocument } from '../sdk/src/index';
import { startApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { aCustomerInput, aTemplateInput, aUser } from './support/factories';
import { eventually, startSmtpSink, type SmtpSink } from './support/smtp-sink';
import { startTestServer, type TestPartner, type TestServer } from './support/test-server';
import { useTestServer } from './support/fixture';

const fast = { outboxPollIntervalMs: 20, outboxRetryBaseMs: 20 };

async function outboxOf(partner: TestPartner, customerId: string) {
  return (await partner.client.customerOutbox(customerId, { first: 100 }))!.edges.map((e) => e.node);
}

describe('onboarding emails in the outbox (no SMTP_URL: they stay PENDING)', () => {
  let server: TestServer;
  let partner: TestPartner;

  const fixture = useTestServer();
  beforeAll(() => {
    server = fixture.server;
    partner = fixture.partner;
  });

  it('writes the admin invitation with createCustomer, in the customer’s language, with the template’s brand', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner, { brandName: 'Acme Telecom', defaultEmailLanguage: 'nl_BE' }));
    const dutch = await hub.createCustomer(aCustomerInput(template.id));
    const english = await hub.createCustomer(aCustomerInput(template.id, { language: 'en_GB' }));
    const french = await hub.createCustomer(aCustomerInput(template.id, { language: 'fr' }));

    const [invitation] = await outboxOf(partner, dutch.id);
    expect(invitation).toMatchObject({ kind: 'ADMIN_INVITATION', to: dutch.adminEmail, status: 'PENDING', sentAt: null, attempts: 0 });
    expect(Date.parse(invitation.nextAttemptAt!)).toBeLessThanOrEqual(Date.now()); // due at once
    expect(invitation.subject).toContain('Acme Telecom');
    expect(invitation.subject).toContain('uw Webex-organisatie');
    expect((await outboxOf(partner, english.id))[0].subject).toContain('your Webex organization');
    expect((await outboxOf(partner, french.id))[0].subject).toBe(`Acme Telecom\u00a0: votre organisation Webex pour ${french.companyName} est prête`);
    await new Promise((r) => setTimeout(r, 100));
    expect((await outboxOf(partner, dutch.id))[0].status).toBe('PENDING');
  });

  it('writes German and French emails for de_* and fr-* customers (domain.md §14; texts: test/email-texts.test.ts)', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner, { brandName: 'Acme Telecom' }));
    const german = await hub.createCustomer(aCustomerInput(template.id, { language: 'de_CH', companyName: 'Bäckerei Müller' }));
    const french = await hub.createCustomer(aCustomerInput(template.id, { language: 'fr-BE', companyName: 'Boulangerie Dupont' }));
    expect((await outboxOf(partner, german.id))[0].subject).toBe('Acme Telecom: Ihre Webex-Organisation für Bäckerei Müller ist bereit');
    expect((await outboxOf(partner, french.id))[0].subject).toBe('Acme Telecom\u00a0: votre organisation Webex pour Boulangerie Dupont est prête');
    await hub.setupCustomer({ customerId: german.id, users: [aUser({ firstName: 'Anna' })] });
    await hub.setupCustomer({ customerId: french.id, users: [aUser({ firstName: 'Léa' })] });
    expect((await outboxOf(partner, german.id)).find((m) => m.kind === 'WELCOME')!.subject).toBe('Acme Telecom: Willkommen bei Webex, Anna');
    expect((await outboxOf(partner, french.id)).find((m) => m.kind === 'WELCOME')!.subject).toBe('Acme Telecom\u00a0: bienvenue sur Webex, Léa');
  });

  it('warns in createCustomer’s payload when the customer’s language has no email text, naming the language they go out in', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const japanese = await hub.payloads.createCustomer(aCustomerInput(template.id, { language: 'ja_JP' }));
    expect(japanese.userErrors).toEqual([]);
    expect(japanese.warnings).toEqual(['The onboarding emails have no text in Japanese (ja_JP): they will be sent in English.']);
    const dryRun = await hub.payloads.createCustomer(aCustomerInput(template.id, { language: 'it', dryRun: true }));
    expect(dryRun.warnings).toEqual(['The onboarding emails have no text in Italian (it): they will be sent in English.']);
    for (const language of ['en_GB', 'nl_BE', 'de_AT', 'fr', undefined]) {
      const payload = await hub.payloads.createCustomer(aCustomerInput(template.id, language ? { language } : {}));
      expect(payload.warnings, String(language)).toEqual([]);
    }
    const refused = await hub.payloads.createCustomer(aCustomerInput(template.id, { language: 'ja_JP', companyName: '' }));
    expect(refused.warnings, 'no advice on a refused call').toEqual([]);
  });

  it('writes one welcome email per user setupCustomer creates (none for the updated full administrator)', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner, { brandName: 'Blue Wave' }));
    const customer = await hub.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_SUITE' }));
    const users = [aUser({ firstName: 'Anna' }), aUser({ firstName: 'Bram' })];
    await hub.setupCustomer({ customerId: customer.id, users: [
      ...users, { ...aUser({ package: 'WEBEX_SUITE' }), email: customer.adminEmail },
    ] });
    const outbox = await outboxOf(partner, customer.id);
    expect(outbox.map((m) => m.kind).sort()).toEqual(['ADMIN_INVITATION', 'WELCOME', 'WELCOME']);
    const welcome = outbox.filter((m) => m.kind === 'WELCOME');
    expect(welcome.map((m) => m.to).sort()).toEqual(users.map((u) => u.email).sort());
    for (const m of welcome) expect(m.subject).toMatch(/^Blue Wave: welcome to Webex, (Anna|Bram)$/);
  });

  it('writes no email for a dry run or a failed call', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const preview = await hub.payloads.createCustomer({ ...aCustomerInput(template.id), dryRun: true });
    expect(preview.customer).not.toBeNull();
    const customer = await hub.createCustomer(aCustomerInput(template.id));
    await hub.payloads.setupCustomer({ customerId: customer.id, users: [aUser()], dryRun: true });
    await hub.payloads.setupCustomer({ customerId: customer.id, users: [aUser(), aUser({ email: 'broken' })] });
    expect((await outboxOf(partner, customer.id)).map((m) => m.kind)).toEqual(['ADMIN_INVITATION']);
  });

  it('keeps an existing customer’s brand when the template is edited later', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner, { brandName: 'Old Brand' }));
    const before = await hub.createCustomer(aCustomerInput(template.id));
    await hub.updateTemplate({ id: template.id, brandName: 'New Brand' });
    await hub.setupCustomer({ customerId: before.id, users: [aUser()] });
    const after = await hub.createCustomer(aCustomerInput(template.id));
    for (const m of await outboxOf(partner, before.id)) {
      expect(m.subject).toContain('Old Brand');
      expect(m.subject).not.toContain('New Brand');
    }
    expect((await outboxOf(partner, after.id))[0].subject).toContain('New Brand');
  });

  it('writes thousands of welcome emails with a bounded number of SQL statements', async () => {
    const count = Number(process.env.OUTBOX_TEST_USERS ?? 2000);
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner));
    const customer = await hub.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
    const users = Array.from({ length: count }, () => aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null }));
    const started = performance.now();
    const response = await server.post({ query: print(SetupCustomerDocument), variables: { input: { customerId: customer.id, users } } },
      { token: partner.token });
    const ms = performance.now() - started;
    expect(response.body.data.setupCustomer.userErrors).toEqual([]);
    const statements = Number(response.headers.get('x-sql-statements'));
    console.log(`setupCustomer with ${count} users and ${count} welcome emails: ${ms.toFixed(0)} ms, ${statements} SQL statements`);
    // Chunks of 500 rows per INSERT: users + emails + a few lookups, never one statement per row.
    expect(statements).toBeLessThan(30 + (2 * count) / 500);
    const outbox = await hub.customerOutbox(customer.id, { first: 1 });
    expect(outbox!.totalCount).toBe(count + 1);
  });
});

describe('delivery over SMTP', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let partner: TestPartner;

  beforeAll(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ ...fast, smtpUrl: sink.url, mailFrom: 'onboarding@acme.example' });
    partner = await server.newPartner();
  });
  afterAll(async () => {
    await server.stop();
    await sink.stop();
  });

  it('delivers every message once and marks it SENT with sentAt', async () => {
    const hub = partner.client;
    const template = await hub.createTemplate(aTemplateInput(partner, { brandName: 'Acme Telecom', defaultEmailLanguage: 'nl' }));
    const customer = await hub.createCustomer(aCustomerInput(template.id));
    const users = [aUser({ firstName: 'Joost' }), aUser(), aUser()];
    await hub.setupCustomer({ customerId: customer.id, users });
    const outbox = await eventually(async () => {
      const messages = await outboxOf(partner, customer.id);
      return messages.every((m) => m.status === 'SENT') && messages;
    });
    expect(outbox).toHaveLength(4);
    for (const m of outbox) {
      expect(m.sentAt).not.toBeNull();
      expect(m.attempts).toBe(1);
      const mails = sink.received.filter((r) => r.outboxId === m.id);
      expect(mails).toHaveLength(1);
      expect(mails[0].to).toEqual([m.to]);
      expect(mails[0].subject).toBe(m.subject);
      expect(mails[0].body).toContain('Acme Telecom');
    }
    const joost = sink.received.find((r) => r.to[0] === users[0].email)!;
    expect(joost.subject).toBe('Acme Telecom: welkom bij Webex, Joost');
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.received.filter((r) => outbox.some((m) => m.id === r.outboxId))).toHaveLength(4);
  });
});

describe('delivery to an SMTP server that fails at first', () => {
  it('retries with backoff after 4xx and delivers each message exactly once', async () => {
    const sink = await startSmtpSink({ rejectFirst: 3, rejectCode: 451 });
    const server = await startTestServer({ ...fast, smtpUrl: sink.url });
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id));
      await partner.client.setupCustomer({ customerId: customer.id, users: [aUser(), aUser()] });
      const outbox = await eventually(async () => {
        const messages = await outboxOf(partner, customer.id);
        return messages.every((m) => m.status === 'SENT') && messages;
      });
      expect(sink.rejected).toBe(3);
      expect(outbox.reduce((n, m) => n + m.attempts, 0)).toBe(3 + 3); // 3 messages, 3 refusals
      expect(outbox.some((m) => m.attempts > 1)).toBe(true);
      for (const m of outbox) expect(sink.received.filter((r) => r.outboxId === m.id)).toHaveLength(1);
    } finally {
      await server.stop();
      await sink.stop();
    }
  });

  it('waits base × 2^(attempts − 1) after each failed attempt, as nextAttemptAt shows, before trying again', async () => {
    // A base far above the poll interval and the time a refusal takes to reach the sender, so a
    // constant delay, no delay or a doubling off by one attempt all fall outside the tolerance.
    const base = 500;
    const tolerance = base / 2;
    const sink = await startSmtpSink({ rejectFirst: 3, rejectCode: 451 });
    const server = await startTestServer({ ...fast, outboxRetryBaseMs: base, smtpUrl: sink.url });
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id));
      const dueAfter = new Map<number, string | null>(); // attempts so far → nextAttemptAt
      const sent = await eventually(async () => {
        const [message] = await outboxOf(partner, customer.id);
        if (message.status === 'PENDING' && message.attempts > 0) dueAfter.set(message.attempts, message.nextAttemptAt);
        return message.status === 'SENT' && message;
      });
      expect(sent).toMatchObject({ attempts: 4, nextAttemptAt: null });
      expect(sink.refused).toHaveLength(3);
      expect([...dueAfter.keys()].sort()).toEqual([1, 2, 3]);
      for (const attempts of [1, 2, 3]) {
        const failedAt = sink.refused[attempts - 1].at;
        const due = Date.parse(dueAfter.get(attempts)!);
        const delay = base * 2 ** (attempts - 1);
        expect(due - failedAt, `delay after attempt ${attempts}`).toBeGreaterThanOrEqual(delay);
        expect(due - failedAt, `delay after attempt ${attempts}`).toBeLessThan(delay + tolerance);
        // …and the next attempt waited for it.
        const nextAt = attempts < 3 ? sink.refused[attempts].at : sink.received[0].at;
        expect(nextAt).toBeGreaterThanOrEqual(due);
      }
    } finally {
      await server.stop();
      await sink.stop();
    }
  });

  it('marks a message FAILED with lastError on a permanent 5xx refusal and keeps delivering the others', async () => {
    const sink = await startSmtpSink({ rejectTo: /^nobody/, rejectCode: 550 });
    const server = await startTestServer({ ...fast, smtpUrl: sink.url });
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id));
      const nobody = aUser({ email: `nobody${Date.now()}@devries.example` });
      await partner.client.setupCustomer({ customerId: customer.id, users: [nobody, aUser()] });
      const outbox = await eventually(async () => {
        const messages = await outboxOf(partner, customer.id);
        return messages.every((m) => m.status !== 'PENDING') && messages;
      });
      const failed = outbox.find((m) => m.to === nobody.email)!;
      expect(failed).toMatchObject({ status: 'FAILED', attempts: 1, sentAt: null, nextAttemptAt: null });
      expect(failed.lastError).toContain('550');
      expect(outbox.filter((m) => m.status === 'SENT')).toHaveLength(2);
    } finally {
      await server.stop();
      await sink.stop();
    }
  });

  it('gives up after the configured number of attempts', async () => {
    const sink = await startSmtpSink({ rejectFirst: 1000, rejectCode: 421 });
    const server = await startTestServer({ ...fast, smtpUrl: sink.url, outboxMaxAttempts: 3 });
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id));
      const [message] = await eventually(async () => {
        const messages = await outboxOf(partner, customer.id);
        return messages[0].status === 'FAILED' && messages;
      });
      expect(message.attempts).toBe(3);
      expect(sink.rejected).toBe(3);
      expect(sink.received).toHaveLength(0);
    } finally {
      await server.stop();
      await sink.stop();
    }
  });
});

describe('several server processes sharing one database', () => {
  it('deliver each message exactly once', async () => {
    const sink = await startSmtpSink();
    const server = await startTestServer({ ...fast, outboxPollIntervalMs: 10, smtpUrl: sink.url });
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: server.databaseUrl }, {
      port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, ...fast, outboxPollIntervalMs: 10, smtpUrl: sink.url,
    });
    const second = await startApp(config, pino({ level: 'silent' }));
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
      const count = Number(process.env.OUTBOX_SHARED_TEST_MESSAGES ?? 200);
      await partner.client.setupCustomer({ customerId: customer.id, users: Array.from({ length: count }, () =>
        aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null })) });
      await eventually(async () => sink.received.length >= count + 1, 45_000);
      await new Promise((r) => setTimeout(r, 200));
      const ids = sink.received.map((r) => r.outboxId);
      expect(ids).toHaveLength(count + 1);
      expect(new Set(ids).size).toBe(count + 1);
      const page = await partner.client.customerOutbox(customer.id, { first: 1 });
      expect(page!.totalCount).toBe(count + 1);
    } finally {
      await second.stop();
      await server.stop();
      await sink.stop();
    }
  });

  it('hands a stopping process’s unsent claim back at once: another process delivers it long before the lease ends', async () => {
    // The stopping sender claimed all 11 messages under a 60 s lease and delivers one every 150 ms.
    const slowSink = await startSmtpSink({ delayMs: 150 });
    const sink = await startSmtpSink();
    const server = await startTestServer({ ...fast });
    const appConfig = (smtpUrl: string) => loadConfig({ NODE_ENV: 'test', DATABASE_URL: server.databaseUrl }, {
      port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, ...fast, outboxPollIntervalMs: 10, outboxLeaseMs: 60_000, smtpUrl,
    });
    const stopping = await startApp(appConfig(slowSink.url), pino({ level: 'silent' }));
    let next: Awaited<ReturnType<typeof startApp>> | null = null;
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
      await partner.client.setupCustomer({ customerId: customer.id, users: Array.from({ length: 10 }, () =>
        aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null })) });
      await eventually(async () => slowSink.received.length >= 2, 10_000);
      await stopping.stop();
      const sentBeforeStop = slowSink.received.length;
      expect(sentBeforeStop).toBeLessThan(11);

      next = await startApp(appConfig(sink.url), pino({ level: 'silent' }));
      const started = Date.now();
      const outbox = await eventually(async () => {
        const messages = await outboxOf(partner, customer.id);
        return messages.every((m) => m.status === 'SENT') && messages;
      }, 10_000);
      expect(Date.now() - started).toBeLessThan(10_000);
      const ids = [...slowSink.received, ...sink.received].map((r) => r.outboxId);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]); // none twice
      expect(new Set(ids)).toEqual(new Set(outbox.map((m) => m.id)));
      expect(sink.received).toHaveLength(11 - sentBeforeStop);
    } finally {
      await next?.stop();
      await server.stop();
      await slowSink.stop();
      await sink.stop();
    }
  });

  it('deliver each message exactly once when a batch takes longer than the lease (a slow SMTP server)', async () => {
    // 31 messages at 100 ms each take about 3 s: half again the 2 s lease the batch was claimed
    // under. The process sending it must keep its claim; the other must not take over the rest.
    const sink = await startSmtpSink({ delayMs: 100 });
    const slow = { ...fast, outboxPollIntervalMs: 10, outboxLeaseMs: 2000, smtpUrl: sink.url };
    const server = await startTestServer(slow);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: server.databaseUrl }, {
      port: 0, host: '127.0.0.1', seedDemoPartner: false, rateLimitPerSecond: 0, ...slow,
    });
    const second = await startApp(config, pino({ level: 'silent' }));
    try {
      const partner = await server.newPartner();
      const template = await partner.client.createTemplate(aTemplateInput(partner));
      const customer = await partner.client.createCustomer(aCustomerInput(template.id, { package: 'WEBEX_MEETINGS' }));
      const count = 30;
      await partner.client.setupCustomer({ customerId: customer.id, users: Array.from({ length: count }, () =>
        aUser({ package: 'WEBEX_MEETINGS', phoneNumber: null })) });
      const outbox = await eventually(async () => {
        const messages = await outboxOf(partner, customer.id);
        return messages.every((m) => m.status === 'SENT') && messages;
      }, 30_000);
      // Long enough for a second process's claim of an expired lease to show up at the server.
      await new Promise((r) => setTimeout(r, 2000));
      expect(outbox).toHaveLength(count + 1);
      const ids = sink.received.map((r) => r.outboxId);
      expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]); // no message twice
      expect(new Set(ids)).toEqual(new Set(outbox.map((m) => m.id)));
    } finally {
      await second.stop();
      await server.stop();
      await sink.stop();
    }
  });
});
