import {
  getNamedType, GraphQLEnumType, GraphQLInputObjectType, GraphQLInputType, GraphQLList, GraphQLNonNull,
  GraphQLObjectType, GraphQLOutputType, GraphQLScalarType, GraphQLSchema, isCompositeType, isInterfaceType,
  isObjectType, isUnionType,
} from 'graphql';
import type { Random } from './support';

/** One HTTP request the fuzzer sends: anything from a schema-shaped operation to garbage bytes. */
export interface FuzzRequest {
  kind: string;
  method: 'POST' | 'GET';
  contentType: string | null;
  body?: string | Buffer;
  query?: string;
  auth: string | null;
}

export interface FuzzIds {
  /** Ids of real objects (of both partners) to put in ID fields. */
  ids: string[];
  tokens: string[];
}

const UNICODE = [
  'Zoë Ærøskøbing', 'Ñandú', '北京市朝阳区', 'مرحبا بالعالم', 'שלום', '🦄🔥💥', 'a\u0000b', '\u200b\u200e\u202e', 'e\u0301',
  '\ud800', '\udfff', '\ufeff', '𝕳𝖊𝖑𝖑𝖔', 'Ω≈ç√∫', '\\', '"', "'; DROP TABLE customer; --", '%_%', '${process.env}', '<script>alert(1)</script>',
  '../../etc/passwd', 'null', 'undefined', '{}', '__proto__', 'constructor', '\r\n\t',
];

/** The most one generated list may serialise to: twice the server's 8 MB body limit. */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

export class FuzzGenerator {
  constructor(private readonly schema: GraphQLSchema, private readonly random: Random, private readonly pool: FuzzIds) {}

  next(): FuzzRequest {
    const r = this.random.next();
    if (r < 0.62) return this.schemaOperation();
    if (r < 0.72) return this.malformedDocument();
    if (r < 0.84) return this.malformedBody();
    if (r < 0.93) return this.wrongContentType();
    return this.getRequest();
  }

  private auth(): string | null {
    const r = this.random.next();
    if (r < 0.8) return `Bearer ${this.random.pick(this.pool.tokens)}`;
    if (r < 0.85) return null;
    if (r < 0.9) return `Bearer ${this.string()}`.slice(0, 4000).replace(/[^\x20-\x7e]/g, '?');
    if (r < 0.95) return this.random.pick(['Bearer', 'Basic dXNlcjpwYXNz', 'bearer  ', 'Token abc', `Bearer ${'x'.repeat(8000)}`]);
    return `Bearer ${this.random.pick(this.pool.tokens)} extra`;
  }

  // ---- values -------------------------------------------------------------------------------

  string(): string {
    const r = this.random.next();
    if (r < 0.3) return this.random.pick(UNICODE);
    if (r < 0.45) return '';
    if (r < 0.55) return ' '.repeat(this.random.int(5));
    if (r < 0.65) return `${this.word()}@${this.word()}.example`;
    if (r < 0.72) return `+31 20 ${this.random.int(10_000_000)}`;
    if (r < 0.785) return this.random.pick(UNICODE).repeat(1 + this.random.int(400));
    if (r < 0.79) return 'x'.repeat(10_000 + this.random.int(100_000));
    if (r < 0.85) return this.random.pick(this.pool.ids);
    return this.word();
  }

  private word(): string {
    const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-';
    let out = '';
    for (let i = 0, n = 1 + this.random.int(16); i < n; i++) out += letters[this.random.int(letters.length)];
    return out;
  }

  private id(): string {
    const r = this.random.next();
    if (r < 0.6) return this.random.pick(this.pool.ids);
    if (r < 0.75) return '0190' + Array.from({ length: 28 }, () => '0123456789abcdef'[this.random.int(16)]).join('').replace(/^(.{4})(.{4})(.{4})(.{4})/, '$1-$2-7$3-8$4-').slice(0, 36);
    return this.string();
  }

  private wrongValue(depth: number): unknown {
    switch (this.random.int(12)) {
      case 0: return null;
      case 1: return this.random.pick([0, -1, 1.5, 2 ** 31, -(2 ** 53), 1e308, 101, 100, 1]);
      case 2: return this.random.chance(0.5);
      case 3: return this.string();
      case 4: return {};
      case 5: return [];
      case 6: return { [this.word()]: this.string() };
      case 7: {
        let nested: unknown = this.string();
        for (let i = 0, n = 10 + this.random.int(depth > 0 ? 20 : 3000); i < n; i++) nested = { a: nested };
        return nested;
      }
      case 8: {
        let nested: unknown = 1;
        for (let i = 0, n = 10 + this.random.int(3000); i < n; i++) nested = [nested];
        return nested;
      }
      case 9: return { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
      case 10: return Array.from({ length: this.random.int(50) }, () => this.string());
      default: return '2026-13-45T99:99:99Z';
    }
  }

  value(type: GraphQLInputType, depth = 0): unknown {
    if (this.random.chance(0.07)) return this.wrongValue(depth);
    if (type instanceof GraphQLNonNull) return this.value(type.ofType, depth);
    if (this.random.chance(0.06)) return null;
    if (type instanceof GraphQLList) {
      const r = this.random.next();
      const length = r < 0.97 ? this.random.int(4) : r < 0.995 ? 50 + this.random.int(500) : 1_001 + this.random.int(10_000);
      if (length > 100) {
        // Oversized lists repeat one item: the server must still look at every row. The item is
        // shared, so nested oversized lists or huge strings in it would multiply into a body of
        // hundreds of megabytes: capped at twice the 8 MB limit, which still tests the 413 path
        // without the client (in this process, beside the server) serialising for seconds.
        const item = this.value(type.ofType, depth + 1);
        const itemBytes = Buffer.byteLength(JSON.stringify(item) ?? 'null') + 1;
        return Array.from({ length: Math.max(1, Math.min(length, Math.floor(MAX_LIST_BYTES / itemBytes))) }, () => item);
      }
      return Array.from({ length }, () => this.value(type.ofType, depth + 1));
    }
    if (type instanceof GraphQLEnumType) {
      return this.random.chance(0.9) ? this.random.pick(type.getValues()).value : this.word().toUpperCase();
    }
    if (type instanceof GraphQLInputObjectType) {
      const out: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        const required = field.type instanceof GraphQLNonNull;
        if (required ? this.random.chance(0.97) : this.random.chance(0.5)) out[field.name] = this.value(field.type, depth + 1);
      }
      if (this.random.chance(0.05)) out[this.word()] = this.string();
      return out;
    }
    const scalar = (type as GraphQLScalarType).name;
    if (scalar === 'ID') return this.id();
    if (scalar === 'Int') return this.random.pick([0, 1, 2, 20, 99, 100, 101, -1, 2 ** 31 - 1, this.random.int(200)]);
    if (scalar === 'Float') return this.random.next() * 1e6;
    if (scalar === 'Boolean') return this.random.chance(0.5);
    if (scalar === 'DateTimeISO') return this.random.pick(['2026-11-24T08:00:00Z', 'yesterday', '0000-00-00T00:00:00Z']);
    return this.string();
  }

  /** A GraphQL literal for an inline argument (enum values bare, everything else JSON-ish). */
  private literal(value: unknown, type: GraphQLInputType | null, depth = 0): string {
    const inner = type instanceof GraphQLNonNull ? type.ofType : type;
    if (value === null || value === undefined) return 'null';
    if (depth > 500) return '1'; // deeper literals come from malformedDocument, written as text
    if (Array.isArray(value)) return `[${value.map((v) => this.literal(v, inner instanceof GraphQLList ? inner.ofType : null, depth + 1)).join(', ')}]`;
    if (typeof value === 'object') {
      const fields = inner instanceof GraphQLInputObjectType ? inner.getFields() : {};
      return `{${Object.entries(value as Record<string, unknown>)
        .filter(([k]) => /^[_A-Za-z][_0-9A-Za-z]*$/.test(k))
        .map(([k, v]) => `${k}: ${this.literal(v, fields[k]?.type ?? null, depth + 1)}`).join(', ')}}`;
    }
    if (inner instanceof GraphQLEnumType && typeof value === 'string' && /^[_A-Za-z][_0-9A-Za-z]*$/.test(value)) return value;
    if (typeof value === 'number' && !Number.isFinite(value)) return '0';
    return JSON.stringify(value);
  }

  // ---- selections ---------------------------------------------------------------------------

  private selection(type: GraphQLOutputType, depth: number, maxDepth: number): string {
    const named = getNamedType(type);
    if (!isCompositeType(named)) return '';
    if (isUnionType(named)) return '{ __typename }';
    const fields = Object.values((named as GraphQLObjectType).getFields());
    const picked: string[] = [];
    const wanted = 1 + this.random.int(Math.min(fields.length, 5));
    for (let i = 0; i < wanted; i++) {
      const field = this.random.pick(fields);
      const args = field.args.filter((a) => a.type instanceof GraphQLNonNull || this.random.chance(0.3));
      const argText = args.length ? `(${args.map((a) => `${a.name}: ${this.literal(this.value(a.type), a.type)}`).join(', ')})` : '';
      const alias = this.random.chance(0.05) ? `${this.word().replace(/^[^A-Za-z_]+/, 'a')}: ` : '';
      const childNamed = getNamedType(field.type);
      let sub = '';
      if (isObjectType(childNamed) || isInterfaceType(childNamed) || isUnionType(childNamed)) {
        sub = depth >= maxDepth ? '{ __typename }' : this.selection(field.type, depth + 1, maxDepth);
      }
      picked.push(`${alias}${field.name}${argText} ${sub}`);
    }
    if (this.random.chance(0.03)) picked.push(this.word()); // an unknown field
    if (this.random.chance(0.03)) picked.push(`... on ${named.name} { __typename }`);
    return `{ ${picked.join(' ')} }`;
  }

  private schemaOperation(): FuzzRequest {
    const mutation = this.random.chance(0.45);
    const root = (mutation ? this.schema.getMutationType() : this.schema.getQueryType())!;
    const field = this.random.pick(Object.values(root.getFields()));
    const useVariables = this.random.chance(0.6);
    const variables: Record<string, unknown> = {};
    const declarations: string[] = [];
    const args: string[] = [];
    for (const arg of field.args) {
      if (!(arg.type instanceof GraphQLNonNull) && this.random.chance(0.4)) continue;
      const value = this.value(arg.type);
      if (useVariables) {
        const declared = this.random.chance(0.05) ? this.random.pick(['String', 'Int!', '[ID]', 'Boolean']) : String(arg.type);
        declarations.push(`$${arg.name}: ${declared}`);
        args.push(`${arg.name}: $${arg.name}`);
        if (!this.random.chance(0.03)) variables[arg.name] = value; // sometimes a required variable is missing
      } else {
        args.push(`${arg.name}: ${this.literal(value, arg.type)}`);
      }
    }
    const maxDepth = this.random.chance(0.1) ? 8 + this.random.int(10) : 1 + this.random.int(4);
    const sub = this.selection(field.type, 1, maxDepth);
    const header = `${mutation ? 'mutation' : 'query'} Fuzz${declarations.length ? `(${declarations.join(', ')})` : ''}`;
    const query = `${header} { ${field.name}${args.length ? `(${args.join(', ')})` : ''} ${sub} }`;
    const body: Record<string, unknown> = { query, variables };
    if (this.random.chance(0.05)) body.operationName = this.random.pick(['Other', '', null, 42]);
    if (this.random.chance(0.03)) body.extensions = { persistedQuery: { version: 1, sha256Hash: this.word() } };
    return { kind: `schema:${field.name}`, method: 'POST', contentType: 'application/json', body: JSON.stringify(body), auth: this.auth() };
  }

  private malformedDocument(): FuzzRequest {
    const choices: Array<() => string> = [
      () => '{ viewer { id '.repeat(1 + this.random.int(3)),
      () => `{ ${'viewer { partner { admins { '.repeat(20 + this.random.int(600))} id }`,
      () => `query { ${Array.from({ length: 1 + this.random.int(2000) }, (_, i) => `a${i}: __typename`).join(' ')} }`,
      () => { const n = 100 + this.random.int(20_000); return `{ customer(id: ${'['.repeat(n)}1${']'.repeat(n)}) { id } }`; },
      () => { const n = 100 + this.random.int(20_000); return `{ customers(filter: ${'{search: '.repeat(n)}"x"${'}'.repeat(n)}) { totalCount } }`; },
      () => `{ customer(id: ${JSON.stringify(this.id())}) { ...F } } fragment F on Customer { users { edges { node { ...F } } } }`,
      () => `${this.random.pick(['subscription', 'mutation', 'query'])} { ${this.word()} }`,
      () => Array.from({ length: 1 + this.random.int(50) }, () => this.random.pick(['{', '}', '(', ')', '$', '@', '...', '"', 'query', ':', '!', '[', ']', '#'])).join(' '),
      () => `query A { viewer { id } } query B { viewer { id } }`,
      () => `{ __schema { types { name fields { name type { name ofType { name ofType { name } } } } } } }`,
      () => `{ __type(name: ${JSON.stringify(this.string())}) { name } }`,
      () => `{ viewer @${this.word()} { id } }`,
      () => `{ viewer { id } } ${'fragment F on Query { __typename } '.repeat(1 + this.random.int(3))}`,
      () => this.string(),
    ];
    const query = this.random.pick(choices)();
    return { kind: 'malformed-document', method: 'POST', contentType: 'application/json', body: JSON.stringify({ query }), auth: this.auth() };
  }

  private malformedBody(): FuzzRequest {
    const choices: Array<() => string | Buffer> = [
      () => '{"query": "{ viewer { id } }"',
      () => '{"query": "{ viewer { id } }",}',
      () => 'null', () => '[]', () => '"string"', () => '123', () => '', () => 'true',
      () => '{"query": 123}', () => '{"query": null}', () => '{"query": ["a"]}', () => '{"query": "{ viewer { id } }", "variables": "x"}',
      () => '{"query": "{ viewer { id } }", "variables": [1,2]}',
      () => `{"query": "{ viewer { id } }", "operationName": {}}`,
      () => '[' + '{"query":"{ viewer { id } }"},'.repeat(1 + this.random.int(20)) + '{}]',
      () => Buffer.from([0x7b, 0x22, 0x71, 0xff, 0xfe, 0x22, 0x7d]),
      () => Buffer.from(Array.from({ length: 1 + this.random.int(200) }, () => this.random.int(256))),
      () => '['.repeat(1 + this.random.int(100_000)),
      () => `{"query": "{ viewer { id } }", "variables": ${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      () => '{"__proto__": {"query": "{ viewer { id } }"}}',
      () => `{"query": "{ viewer { id } }", "query": "mutation { x }"}`,
    ];
    return { kind: 'malformed-body', method: 'POST', contentType: 'application/json', body: this.random.pick(choices)(), auth: this.auth() };
  }

  private wrongContentType(): FuzzRequest {
    const contentType = this.random.pick([
      'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/graphql',
      'application/json; charset=utf-16', 'application/json; charset=latin1', 'text/html', 'application/xml', '', 'application/jsonx', null,
    ]);
    const body = this.random.pick(['{"query":"{ viewer { id } }"}', 'query={viewer{id}}', '{ viewer { id } }', '--x\r\n\r\n--x--']);
    return { kind: 'content-type', method: 'POST', contentType, body, auth: this.auth() };
  }

  private getRequest(): FuzzRequest {
    const params = new URLSearchParams();
    params.set('query', this.random.pick(['{ viewer { id } }', 'mutation { createTemplate(input: {}) { userErrors { code } } }', this.string(), '{ __typename }']));
    if (this.random.chance(0.3)) params.set('variables', this.random.pick(['{', '{"a":1}', this.string()]));
    if (this.random.chance(0.2)) params.set('extensions', this.string());
    return { kind: 'get', method: 'GET', contentType: null, query: params.toString(), auth: this.auth() };
  }
}
