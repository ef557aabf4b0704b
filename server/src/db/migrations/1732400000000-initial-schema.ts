import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The schema of the three-step flow. Plain SQL that SQLite and PostgreSQL both accept, so one
 * migration serves both databases. Case-insensitive uniqueness lives in expression indexes on
 * lower(...); emails are stored lower-cased, so their indexes are plain.
 */
export class InitialSchema1732400000000 implements MigrationInterface {
  name = 'InitialSchema1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "partner" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "name" varchar NOT NULL,
      "createdAt" bigint NOT NULL)`);
    await q.query(`CREATE TABLE "partner_admin" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "partnerId" varchar(36) NOT NULL REFERENCES "partner"("id"),
      "email" varchar NOT NULL,
      "displayName" varchar NOT NULL,
      "role" varchar NOT NULL,
      "createdAt" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_partner_admin_partner" ON "partner_admin" ("partnerId")`);
    await q.query(`CREATE TABLE "wholesale_subscription" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "partnerId" varchar(36) NOT NULL REFERENCES "partner"("id"),
      "externalId" varchar NOT NULL,
      "name" varchar NOT NULL,
      "createdAt" bigint NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "ux_subscription_external" ON "wholesale_subscription" ("partnerId", "externalId")`);
    await q.query(`CREATE TABLE "api_token" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "adminId" varchar(36) NOT NULL REFERENCES "partner_admin"("id"),
      "tokenHash" varchar(64) NOT NULL,
      "createdAt" bigint NOT NULL,
      "revokedAt" bigint)`);
    await q.query(`CREATE UNIQUE INDEX "ux_api_token_hash" ON "api_token" ("tokenHash")`);
    await q.query(`CREATE TABLE "pstn_provider" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "name" varchar NOT NULL,
      "countries" text NOT NULL)`);
    await q.query(`CREATE TABLE "onboarding_template" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "partnerId" varchar(36) NOT NULL REFERENCES "partner"("id"),
      "provisioningId" varchar(64) NOT NULL,
      "name" varchar NOT NULL,
      "offer" varchar NOT NULL,
      "countryCode" varchar(2) NOT NULL,
      "serviceProviderAdminId" varchar(36) NOT NULL REFERENCES "partner_admin"("id"),
      "subscriptionId" varchar(36) NOT NULL REFERENCES "wholesale_subscription"("id"),
      "authenticationMethod" varchar NOT NULL,
      "idpEntityId" varchar,
      "oidcIdpName" varchar,
      "pstnProviderId" varchar(36) REFERENCES "pstn_provider"("id"),
      "brandName" varchar NOT NULL,
      "defaultEmailLanguage" varchar NOT NULL,
      "restrictAdminInvitationEmails" boolean NOT NULL,
      "disableWebexCallingOneToOne" boolean NOT NULL,
      "createdAt" bigint NOT NULL,
      "updatedAt" bigint NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "ux_template_provisioning_id" ON "onboarding_template" ("provisioningId")`);
    await q.query(`CREATE UNIQUE INDEX "ux_template_name" ON "onboarding_template" ("partnerId", lower("name"))`);
    await q.query(`CREATE TABLE "customer" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "partnerId" varchar(36) NOT NULL REFERENCES "partner"("id"),
      "templateId" varchar(36) NOT NULL REFERENCES "onboarding_template"("id"),
      "companyName" varchar NOT NULL,
      "adminEmail" varchar NOT NULL,
      "package" varchar NOT NULL,
      "addOns" text NOT NULL,
      "externalId" varchar,
      "status" varchar NOT NULL,
      "dataRegion" varchar NOT NULL,
      "language" varchar NOT NULL,
      "templateSettings" text NOT NULL,
      "inputFingerprint" varchar(64) NOT NULL,
      "createdAt" bigint NOT NULL,
      "updatedAt" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_customer_partner" ON "customer" ("partnerId", "id")`);
    await q.query(`CREATE INDEX "ix_customer_template" ON "customer" ("templateId")`);
    await q.query(`CREATE UNIQUE INDEX "ux_customer_external_id" ON "customer" ("partnerId", "externalId")`);
    await q.query(`CREATE TABLE "location" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "customerId" varchar(36) NOT NULL REFERENCES "customer"("id"),
      "name" varchar NOT NULL,
      "line1" varchar NOT NULL,
      "line2" varchar,
      "city" varchar NOT NULL,
      "stateOrProvince" varchar,
      "postalCode" varchar,
      "countryCode" varchar(2) NOT NULL,
      "timeZone" varchar NOT NULL,
      "language" varchar NOT NULL,
      "emergencyLocationIdentifier" varchar,
      "isHeadquarters" boolean NOT NULL,
      "createdAt" bigint NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "ux_location_name" ON "location" ("customerId", lower("name"))`);
    await q.query(`CREATE TABLE "customer_user" (
      "id" varchar(36) PRIMARY KEY NOT NULL,
      "customerId" varchar(36) NOT NULL REFERENCES "customer"("id"),
      "locationId" varchar(36) NOT NULL REFERENCES "location"("id"),
      "firstName" varchar NOT NULL,
      "lastName" varchar NOT NULL,
      "email" varchar NOT NULL,
      "package" varchar NOT NULL,
      "phoneNumber" varchar,
      "extension" varchar,
      "roles" text NOT NULL,
      "createdAt" bigint NOT NULL,
      "updatedAt" bigint NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "ux_user_email" ON "customer_user" ("email")`);
    await q.query(`CREATE UNIQUE INDEX "ux_user_phone" ON "customer_user" ("phoneNumber")`);
    await q.query(`CREATE UNIQUE INDEX "ux_user_extension" ON "customer_user" ("customerId", "extension")`);
    await q.query(`CREATE INDEX "ix_user_customer" ON "customer_user" ("customerId", "id")`);
    await q.query(`CREATE INDEX "ix_user_location" ON "customer_user" ("locationId")`);

    const values = q.connection.driver.options.type === 'postgres' ? '($1, $2, $3)' : '(?, ?, ?)';
    for (const provider of PSTN_PROVIDERS_AT_1732400000000) {
      await q.query(`INSERT INTO "pstn_provider" ("id", "name", "countries") VALUES ${values}`,
        [provider.id, provider.name, JSON.stringify(provider.countries)]);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['customer_user', 'location', 'customer', 'onboarding_template', 'pstn_provider',
      'api_token', 'wholesale_subscription', 'partner_admin', 'partner']) {
      await q.query(`DROP TABLE "${table}"`);
    }
  }
}

/**
 * The Cloud Connected PSTN providers this migration seeded, copied here: a migration is frozen
 * history, so editing the live catalog (catalog/pstn-providers.ts) must not change what an old
 * migration gives a new database. A change to the catalog is a new migration.
 */
const PSTN_PROVIDERS_AT_1732400000000: ReadonlyArray<{ id: string; name: string; countries: string[] }> = [
  { id: '0191f3a0-0000-7000-8000-000000000001', name: 'IntelePeer', countries: ['US', 'CA'] },
  { id: '0191f3a0-0000-7000-8000-000000000002', name: 'Tata Communications', countries: ['GB', 'IN', 'SG', 'US', 'DE', 'FR', 'NL', 'ES', 'IT', 'AU', 'JP'] },
  { id: '0191f3a0-0000-7000-8000-000000000003', name: 'Bandwidth', countries: ['US', 'CA', 'GB', 'IE', 'DE', 'FR', 'NL', 'BE', 'AT', 'ES', 'IT'] },
  { id: '0191f3a0-0000-7000-8000-000000000004', name: 'IDT', countries: ['US', 'CA', 'GB', 'ES', 'BR', 'MX'] },
  { id: '0191f3a0-0000-7000-8000-000000000005', name: 'Lumen', countries: ['US'] },
  { id: '0191f3a0-0000-7000-8000-000000000006', name: 'BT Global Services', countries: ['GB', 'IE', 'DE', 'FR', 'NL', 'BE'] },
  { id: '0191f3a0-0000-7000-8000-000000000007', name: 'NTT Communications', countries: ['JP'] },
  { id: '0191f3a0-0000-7000-8000-000000000008', name: 'Telstra', countries: ['AU', 'NZ'] },
];
