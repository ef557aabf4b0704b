import {
  getNamedType, GraphQLArgument, GraphQLEnumType, GraphQLField, GraphQLInputObjectType, GraphQLInputType, GraphQLList,
  GraphQLNonNull, GraphQLObjectType, GraphQLSchema, isLeafType, isObjectType, isInterfaceType, GraphQLOutputType,
} from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAppSchema } from '../../server/src/schema';
import { aCustomerInput, aNewYorkLocation, aTemplateInput, aUser, unique } from '../support/factories';
import { type TestPartner, type TestServer } from '../support/test-server';
import { useTestServer } from '../support/fixture';

/** Partner A's identifiers, by kind; `matched` fills each field by its name instead. */
type Kind = 'customer' | 'template' | 'location' | 'user' | 'admin' | 'subscription' | 'partner' | 'audit';
const KINDS: Kind[] = ['customer', 'template', 'location', 'user', 'admin', 'subscription', 'partner', 'audit'];
type Variant = Kind | 'matched';

interface Victim {
  ids: Record<Kind, string>;
  all: string[];
  provisioningId: string;
  externalId: string;
  companyName: string;
  /** Last name of A's user at the added location (a user search that finds A's rows). */
  userLastName: string;
}

const isIdLike = (name: string, type: GraphQLInputType) => getNamedType(type).name === 'ID' || /(^id$|Id$|Ids$)/.test(name);

function kindForName(name: string, operation: string): Kind {
  if (/customer/i.test(name)) return 'customer';
  if (/template/i.test(name)) return 'template';
  if (/location/i.test(name)) return 'location';
  if (/user/i.test(name)) return 'user';
  if (/admin/i.test(name)) return 'admin';
  if (/subscription/i.test(name)) return 'subscription';
  if (/partner/i.test(name)) return 'partner';
  if (/audit/i.test(name)) return 'audit';
  if (/template/i.test(operation)) return 'template';
  return 'customer';
}

/** True when an argument carries an id anywhere inside it (so the operation can reach another tenant's data). */
function carriesId(name: string, type: GraphQLInputType, seen = new Set<string>()): boolean {
  if (isIdLike(name, type)) return true;
  const named = getNamedType(type);
  if (!(named instanceof GraphQLInputObjectType) || seen.has(named.name)) return false;
  seen.add(named.name);
  return Object.values(named.getFields()).some((f) => carriesId(f.name, f.type, seen));
}

/**
 * A value for every required field and every id-like field, from the schema alone: operations
 * added later are covered without touching this test.
 */
function buildValue(name: string, type: GraphQLInputType, victim: Victim, variant: Variant, operation: string, only?: string): unknown {
  if (type instanceof GraphQLNonNull) return buildValue(name, type.ofType, victim, variant, operation, only);
  if (type instanceof GraphQLList) return [buildValue(name, type.ofType, victim, variant, operation, only)];
  if (isIdLike(name, type) && getNamedType(type).name !== 'String') {
    return victim.ids[variant === 'matched' ? kindForName(name, operation) : variant];
  }
  if (type instanceof GraphQLEnumType) {
    return type.getValues().find((v) => v.value === 'WEBEX_CALLING')?.value ?? type.getValues()[0].value;
  }
  if (type instanceof GraphQLInputObjectType) {
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const optionalKey = !(field.type instanceof GraphQLNonNull) && (isIdLike(field.name, field.type) || /provisioningId|externalId|search/.test(field.name));
      // Optional keys go in all together, or one at a time (`only`), since some exclude each other.
      if (optionalKey ? only === undefined || only === field.name : field.type instanceof GraphQLNonNull || carriesId(field.name, field.type)) {
        out[field.name] = buildValue(field.name, field.type, victim, variant, operation, only);
      }
    }
    return out;
  }
  switch (getNamedType(type).name) {
    case 'Int': return 1;
    case 'Float': return 1;
    case 'Boolean': return name !== 'dryRun';
    default: break;
  }
  if (/provisioningId/i.test(name)) return victim.provisioningId;
  if (/externalId/i.test(name)) return victim.externalId;
  if (/search/i.test(name)) return /user/i.test(operation) ? victim.userLastName : victim.companyName;
  if (/email/i.test(name)) return `${unique('iso')}@isolation.example`;
  if (/countryCode/.test(name)) return 'NL';
  if (/timeZone/.test(name)) return 'Europe/Amsterdam';
  if (/phone/i.test(name)) return '+31 20 794 8000';
  if (/extension/i.test(name)) return '2001';
  if (/language/i.test(name)) return 'en_US';
  if (/Id$/.test(name)) return victim.ids[variant === 'matched' ? kindForName(name, operation) : variant];
  return unique('Isolation ');
}

/** Names of the optional id-like keys inside an argument (each gets a call of its own). */
function optionalKeys(type: GraphQLInputType, seen = new Set<string>()): string[] {
  const named = getNamedType(type);
  if (!(named instanceof GraphQLInputObjectType) || seen.has(named.name)) return [];
  seen.add(named.name);
  return Object.values(named.getFields()).flatMap((f) => [
    ...(!(f.type instanceof GraphQLNonNull) && (isIdLike(f.name, f.type) || /provisioningId|externalId|search/.test(f.name)) ? [f.name] : []),
    ...optionalKeys(f.type, seen),
  ]);
}

/** Every leaf, and composite children down to `depth`, skipping fields that need arguments. */
function selection(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return '{ __typename }';
  const parts: string[] = ['__typename'];
  for (const field of Object.values(named.getFields())) {
    if (field.args.some((a) => a.type instanceof GraphQLNonNull)) continue;
    const child = getNamedType(field.type);
    if (isLeafType(child)) parts.push(field.name);
    else if (depth > 0) parts.push(`${field.name} ${selection(field.type, depth - 1)}`);
  }
  return `{ ${parts.join(' ')} }`;
}

function callText(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, args: readonly GraphQLArgument[], prefix = '', suffix = '') {
  const declarations = args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ');
  const call = `${field.name}${args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : ''}`;
  return `${kind} Isolation${declarations ? `(${declarations})` : ''} { ${prefix}${call} ${selection(field.type, 3)}${suffix} }`;
}

/** The variables with `dryRun: true` in every argument whose input type has that field. */
function asDryRun(args: readonly GraphQLArgument[], variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(args.map((arg) => {
    const named = getNamedType(arg.type);
    const value = variables[arg.name];
    return [arg.name, named instanceof GraphQLInputObjectType && 'dryRun' in named.getFields() ? { ...(value as object), dryRun: true } : value];
  }));
}

/** Strips userErrors (their messages may quote the input) and returns the JSON text of what was answered as data. */
function dataText(data: unknown): string {
  return JSON.stringify(data, (key, value) => (key === 'userErrors' ? undefined : value));
}

/** No object and no rows: nulls, empty lists, zero counts. */
function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if ('totalCount' in record) return record.totalCount === 0 && (!record.edges || (record.edges as unknown[]).length === 0);
    return Object.entries(record).every(([k, v]) => k === '__typename' || k === 'userErrors' || k === 'warnings' || k === 'pageInfo' || isEmpty(v));
  }
  return false;
}

/**
 * R7: partner B, holding partner A's ids, reaches nothing of A's — through every query and
 * mutation with an id anywhere in its arguments (generated from the schema), and through the
 * nested fields of B's own objects.
 */
describe('tenant isolation (R7)', () => {
  let server: TestServer;
  let schema: GraphQLSchema;
  let a: TestPartner;
  let b: TestPartner;
  let victim: Victim;
  let bCustomerId: string;
  let bTemplateId: string;

  const fixture = useTestServer({ partners: ['Partner A', 'Partner B'] });
  beforeAll(async () => {
    server = fixture.server;
    [a, b] = fixture.partners;
    schema = await buildAppSchema();
    const template = await a.client.createTemplate(aTemplateInput(a));
    const externalId = unique('ext-A-');
    const customer = await a.client.createCustomer(aCustomerInput(template.id, { externalId, companyName: unique('Victim Corp ') }));
    // One of A's users sits at the added location, so a filter by A's location id finds rows for A.
    const newYork = aNewYorkLocation();
    const setup = await a.client.setupCustomer({ customerId: customer.id, locations: [newYork], users: [
      aUser(), aUser({ locationName: newYork.name, phoneNumber: null, extension: '2001' })] });
    const audit = await a.client.request<{ auditEvents: { edges: Array<{ node: { id: string } }> } }>(
      (await import('graphql')).parse('{ auditEvents(first: 1) { edges { node { id } } } }'));
    victim = {
      ids: {
        customer: customer.id, template: template.id, location: setup.locations[0].id, user: setup.users[0].id,
        admin: a.adminId, subscription: a.subscriptionIds[0], partner: a.partnerId, audit: audit.auditEvents.edges[0].node.id,
      },
      all: [],
      provisioningId: template.provisioningId, externalId, companyName: customer.companyName,
      userLastName: setup.users[1].lastName,
    };
    victim.all = [...Object.values(victim.ids), customer.headquarters.id, ...setup.users.map((u) => u.id), template.provisioningId];
    // B has objects of its own, so "nothing" is not just an empty database.
    const bTemplate = await b.client.createTemplate(aTemplateInput(b));
    const bCustomer = await b.client.createCustomer(aCustomerInput(bTemplate.id));
    await b.client.setupCustomer({ customerId: bCustomer.id, locations: [aNewYorkLocation()], users: [aUser()] });
    bCustomerId = bCustomer.id;
    bTemplateId = bTemplate.id;
  });

  const leaks = (text: string) => victim.all.filter((id) => text.includes(id));

  it('every operation with an id in its arguments, called by B with A\'s ids, answers null / empty / NOT_FOUND', async () => {
    const covered: string[] = [];
    let calls = 0;
    let controls = 0;
    let reachedByA = 0;
    let tenancyNotFound = 0;
    for (const [kind, root] of [['query', schema.getQueryType()!], ['mutation', schema.getMutationType()!]] as const) {
      for (const field of Object.values(root.getFields())) {
        const args = field.args.filter((arg) => carriesId(arg.name, arg.type) || arg.type instanceof GraphQLNonNull);
        if (!field.args.some((arg) => carriesId(arg.name, arg.type) || /provisioningId/.test(arg.name))) continue;
        covered.push(field.name);
        let notFoundOnlyForB = 0;
        const plans: Array<[Variant, string | undefined]> = [
          ...(['matched', ...KINDS] as Variant[]).map((v): [Variant, undefined] => [v, undefined]),
          ...[...new Set(args.flatMap((arg) => optionalKeys(arg.type)))].map((key): [Variant, string] => ['matched', key]),
        ];
        for (const [variant, only] of plans) {
          const query = callText(kind, field, args);
          const variables = Object.fromEntries(args.map((arg) => [arg.name, buildValue(arg.name, arg.type, victim, variant, field.name, only)]));
          const response = await server.post({ query, variables }, { token: b.token });
          calls += 1;
          const what = `${field.name} (${variant}${only ? `, only ${only}` : ''}): ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`;
          // A call refused as a whole (validation, bad input) would be "empty" without ever reaching
          // data: B's calls must be executed, with the emptiness in the answer itself.
          expect(response.status, what).toBe(200);
          expect(response.body.errors, what).toBeUndefined();
          expect(response.body.data, what).toHaveProperty(field.name);
          expect(leaks(dataText(response.body.data)), what).toEqual([]);
          const result = response.body.data[field.name];
          expect(isEmpty(result), what).toBe(true);

          // Control: the same call with A's token (mutations as a dry run where they take one, so
          // A's data stays as set up) is executed too, and where every id matches its field it
          // reaches A's data: B's empty answer comes from the tenancy, not from the call's shape.
          const control = await server.post({ query, variables: kind === 'mutation' ? asDryRun(args, variables) : variables }, { token: a.token });
          controls += 1;
          const controlWhat = `${field.name} (${variant}${only ? `, only ${only}` : ''}) as A: ${control.status} ${JSON.stringify(control.body).slice(0, 400)}`;
          expect(control.status, controlWhat).toBe(200);
          expect(control.body.errors, controlWhat).toBeUndefined();
          const own = control.body.data[field.name];
          if (kind === 'query') {
            if (variant === 'matched') {
              expect(isEmpty(own), `${controlWhat}: A's own ids must reach A's data`).toBe(false);
              reachedByA += 1;
            }
          } else {
            expect(result, what).not.toBeNull();
            expect(result.userErrors.length, what).toBeGreaterThan(0);
            const notFoundFields = (payload: { userErrors: Array<{ code: string; field: string[] }> }) =>
              new Set(payload.userErrors.filter((e) => e.code === 'NOT_FOUND').map((e) => e.field.join('.')));
            const forA = notFoundFields(own);
            // NOT_FOUND for B on a field whose id A's identical call finds.
            if ([...notFoundFields(result)].some((f) => !forA.has(f))) notFoundOnlyForB += 1;
          }
        }
        if (kind === 'mutation') {
          expect(notFoundOnlyForB, `${field.name} never answered B NOT_FOUND on an id that A's identical call finds`).toBeGreaterThan(0);
          tenancyNotFound += notFoundOnlyForB;
        }
      }
    }
    expect(covered).toEqual(expect.arrayContaining(['customer', 'template', 'templateByProvisioningId', 'createCustomer', 'setupCustomer', 'createTemplate']));
    console.log(`[isolation] ${covered.length} operations with ids generated from the schema (${covered.join(', ')}), `
      + `${calls} calls by partner B with partner A's ids, all executed (200, no errors): data leaked 0, non-empty answers 0; `
      + `the same ${controls} calls with A's token: all executed, ${reachedByA} query calls with matching ids reached A's data, `
      + `${tenancyNotFound} mutation calls NOT_FOUND for B on an id A's call found`);
  });

  it('nested fields of B\'s own objects never widen the scope, and no list of B shows A\'s rows', async () => {
    let calls = 0;
    let reachedByA = 0;
    const own = { Customer: { b: bCustomerId, a: victim.ids.customer }, OnboardingTemplate: { b: bTemplateId, a: victim.ids.template } };
    // Every field of B's own customer and template that takes an id-like argument, filled with A's ids.
    for (const [typeName, rootField] of [['Customer', 'customer'], ['OnboardingTemplate', 'template']] as const) {
      const type = schema.getType(typeName) as GraphQLObjectType;
      for (const field of Object.values(type.getFields())) {
        if (!field.args.some((arg) => carriesId(arg.name, arg.type))) continue;
        const args = field.args.filter((arg) => carriesId(arg.name, arg.type) || arg.type instanceof GraphQLNonNull);
        const plans: Array<[Variant, string | undefined]> = [
          ...(['matched', ...KINDS] as Variant[]).map((v): [Variant, undefined] => [v, undefined]),
          ...[...new Set(args.flatMap((arg) => optionalKeys(arg.type)))].map((key): [Variant, string] => ['matched', key]),
        ];
        for (const [variant, only] of plans) {
          const variables = Object.fromEntries(args.map((arg) => [arg.name, buildValue(arg.name, arg.type, victim, variant, field.name, only)]));
          const declarations = args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
          const query = `query Nested($own: ID!${declarations ? `, ${declarations}` : ''}) { ${rootField}(id: $own) { id `
            + `${field.name}(${args.map((arg) => `${arg.name}: $${arg.name}`).join(', ')}) ${selection(field.type, 3)} } }`;
          const response = await server.post({ query, variables: { own: own[typeName].b, ...variables } }, { token: b.token });
          calls += 1;
          const what = `${typeName}.${field.name} (${variant}${only ? `, only ${only}` : ''}): ${JSON.stringify(response.body).slice(0, 400)}`;
          expect(response.status, what).toBe(200);
          expect(response.body.errors, what).toBeUndefined();
          expect(response.body.data[rootField].id).toBe(own[typeName].b);
          expect(leaks(dataText(response.body.data)), what).toEqual([]);
          expect(isEmpty(response.body.data[rootField][field.name]), what).toBe(true);
          // Control: the same field on A's own object, as A, with matching ids reaches A's rows.
          const control = await server.post({ query, variables: { own: own[typeName].a, ...variables } }, { token: a.token });
          const controlWhat = `${typeName}.${field.name} (${variant}${only ? `, only ${only}` : ''}) as A: ${JSON.stringify(control.body).slice(0, 400)}`;
          expect(control.status, controlWhat).toBe(200);
          expect(control.body.errors, controlWhat).toBeUndefined();
          expect(control.body.data[rootField].id).toBe(own[typeName].a);
          if (variant === 'matched') {
            expect(isEmpty(control.body.data[rootField][field.name]), `${controlWhat}: A's own ids must reach A's rows`).toBe(false);
            reachedByA += 1;
          }
        }
      }
    }
    // Every argument-free list and object reachable from Query, three levels deep, as B.
    const query = schema.getQueryType()!;
    for (const field of Object.values(query.getFields())) {
      if (field.args.some((arg) => arg.type instanceof GraphQLNonNull)) continue;
      const response = await server.post({ query: `{ ${field.name} ${selection(field.type, 4)} }` }, { token: b.token });
      calls += 1;
      expect(response.status, `${field.name}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(200);
      expect(leaks(dataText(response.body.data)), field.name).toEqual([]);
    }
    // A's view of the same still works (the ids are real).
    expect(await a.client.customer(victim.ids.customer)).not.toBeNull();
    console.log(`[isolation] ${calls} nested and list queries by partner B: A's ids in answers 0; `
      + `${reachedByA} nested calls with matching ids replayed as A on A's own objects reached A's rows`);
  });
});
