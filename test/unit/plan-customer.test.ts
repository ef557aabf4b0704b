import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Package } from '../../server/src/catalog/packages';
import { Customer } from '../../server/src/customers/customer.entity';
import type { CreateCustomerInput } from '../../server/src/customers/customer.inputs';
import { planCustomer, shapeCustomer, type CustomerDraft, type CustomerPlan } from '../../server/src/customers/customer.plan';
import { UserErrors } from '../../server/src/errors/user-error';
import { STOP } from '../../server/src/mutations/define-mutation';
import { OnboardingTemplate } from '../../server/src/templates/template.entity';

/** planCustomer is every rule of createCustomer over a snapshot: no server, no database. */
const now = new Date('2026-01-01T00:00:00Z');
const template = Object.assign(new OnboardingTemplate(), { id: 't1', defaultEmailLanguage: 'nl_NL', brandName: 'Acme' });

function aDraft(overrides: Partial<CreateCustomerInput> = {}): CustomerDraft {
  const input = {
    templateId: 't1', companyName: 'Bakkerij', adminEmail: 'boss@bakkerij.example', package: Package.WEBEX_CALLING,
    headquarters: { name: 'HQ', address: { line1: 'Damrak 1', city: 'Amsterdam', postalCode: '1012 LG', countryCode: 'NL' }, timeZone: 'Europe/Amsterdam' },
    supportedLocationConfirmed: true, externalId: 'crm-1', ...overrides,
  } as CreateCustomerInput;
  return { input, externalId: input.externalId ?? null, companyName: input.companyName, adminEmail: input.adminEmail, adminFirstName: null, adminLastName: null, addOns: [] };
}

function plan(draft: CustomerDraft, snapshot: { existing?: Customer | null; adminEmailTaken?: boolean } = {}) {
  const errors = UserErrors.root('input');
  const shape = shapeCustomer(draft, template, errors);
  const result = planCustomer(draft, shape, { template, existing: null, adminEmailTaken: false, ...snapshot }, errors, 'p1', now);
  return { result, shape, errors: errors.list.map((e) => `${e.code}@${e.field.join('.')}`) };
}

describe('planCustomer', () => {
  it('plans the customer, its headquarters and its full administrator, in the template’s language by default', () => {
    const { result, errors } = plan(aDraft());
    expect(errors).toEqual([]);
    const p = result as Extract<CustomerPlan, { replayed: false }>;
    expect(p.customer).toMatchObject({ partnerId: 'p1', templateId: 't1', language: 'nl_NL', dataRegion: 'EU', status: 'PENDING_SETUP' });
    expect(p.headquarters).toMatchObject({ customerId: p.customer.id, isHeadquarters: true, language: 'nl_NL' });
    expect(p.admin).toMatchObject({ locationId: p.headquarters.id, email: 'boss@bakkerij.example', roles: ['FULL_ADMIN'] });
  });

  it('replays an identical call (same fingerprint) even when its admin email is now taken, by itself', () => {
    const draft = aDraft();
    const existing = Object.assign(new Customer(), { id: 'c0', inputFingerprint: plan(draft).shape.fingerprint });
    const { result, errors } = plan(draft, { existing, adminEmailTaken: true });
    expect(errors).toEqual([]);
    expect(result).toEqual({ replayed: true, customer: existing });
  });

  it('refuses an externalId used with another input, an unconfirmed location and a taken email, all at once', () => {
    const existing = Object.assign(new Customer(), { id: 'c0', inputFingerprint: 'another input' });
    const { result, errors } = plan(aDraft({ supportedLocationConfirmed: false }), { existing, adminEmailTaken: true });
    expect(result).toBe(STOP);
    expect(errors).toEqual(['TAKEN@input.externalId', 'NOT_CONFIRMED@input.supportedLocationConfirmed', 'TAKEN@input.adminEmail']);
  });
});
