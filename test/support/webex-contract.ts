import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

/**
 * Checks requests meant for Cisco's Webex APIs against Cisco's own published OpenAPI files.
 *
 * The files are never copied into the project: they are read at test time from
 * `../shared/webex-openapi/` beside the repository root (CI puts `shared/` beside the clone). When
 * that folder is missing, the check says so once and `contractChecked` is false.
 *
 * What counts as a violation of a request:
 * - an operation (method + path) that the spec does not have;
 * - a query parameter the operation does not declare, or one of the wrong type (integer, number, boolean);
 * - a JSON body that fails the operation's request-body schema (types, enums, required fields);
 * - a field anywhere in the body (nested objects and arrays too) that the schema does not name. The spec
 *   never says `additionalProperties: false`, so a plain validator would accept anything; this check is ours.
 *
 * A client's requests are what this checks. `checkResponse` also holds the stand-in's own answers to
 * the spec, except where the spec is known to be wrong (`GET /locations` declares the workspace-location
 * shape; see `webex-wholesale-api.md` §9 and §12 in the shared folder).
 */
export interface WebexContract {
  /** False when the spec folder was not found; then `check` returns no violations. */
  readonly contractChecked: boolean;
  /** Where the spec was looked for. */
  readonly specDir: string;
  /** Violations of one request, each a readable sentence starting with `METHOD /path`; empty when it conforms. */
  check(request: WebexRequest): string[];
  /**
   * Violations of a JSON answer (2xx) against the operation's response schema, unknown fields included.
   * Used by the stand-in on its own answers, so the connector is tested against the shapes Cisco publishes.
   * `GET /locations` and `GET /locations/{id}` are not checked: the spec declares the workspace-location
   * shape there, not what the Locations API answers (facts file §12).
   */
  checkResponse(response: { method: string; path: string; status: number; body: unknown }): string[];
  /** The spec's path template for a concrete path (`/wholesale/customers/abc` → `/wholesale/customers/{customerId}`), or undefined. */
  operationOf(method: string, path: string): string | undefined;
}

export interface WebexRequest {
  method: string;
  /** The path below the base URL, without the `/v1` prefix and without the query string: `/wholesale/customers`. */
  path: string;
  query?: Record<string, string | string[]>;
  /** The parsed JSON body, or undefined for none. */
  body?: unknown;
}

/**
 * The folder the spec files are read from: `<repo>/../shared/webex-openapi`, where `<repo>` is the
 * nearest folder above this file with a package.json (the repository root, also when this file runs
 * compiled from `dist/`, e.g. for the bench).
 */
export const WEBEX_SPEC_DIR = path.resolve(repositoryRoot(__dirname), '../shared/webex-openapi');

function repositoryRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from, '../..');
  }
}

/** The operations of Cisco's spec that the connector uses, and the file each lives in. */
const OPERATIONS: ReadonlyArray<{ file: 'webex-wholesale.json' | 'webex-device.json'; template: string; methods: string[] }> = [
  { file: 'webex-wholesale.json', template: '/wholesale/customers', methods: ['get', 'post'] },
  { file: 'webex-wholesale.json', template: '/wholesale/customers/{customerId}', methods: ['get', 'put', 'delete'] },
  { file: 'webex-wholesale.json', template: '/wholesale/subscribers', methods: ['get', 'post'] },
  { file: 'webex-wholesale.json', template: '/wholesale/subscribers/{subscriberId}', methods: ['get', 'put', 'delete'] },
  { file: 'webex-device.json', template: '/locations', methods: ['get', 'post'] },
  { file: 'webex-device.json', template: '/locations/{locationId}', methods: ['get', 'put', 'delete'] },
];

type Json = Record<string, unknown>;

interface CompiledOperation {
  method: string;
  template: string;
  matcher: RegExp;
  /** Declared query parameters: name → JSON Schema type. */
  queryParams: Map<string, string | undefined>;
  validateBody?: ValidateFunction;
  bodySchema?: unknown;
  /** Status → validator and schema of its JSON answer. */
  responses: Map<string, { validate: ValidateFunction; schema: unknown }>;
  doc: Json;
}

const cache = new Map<string, WebexContract>();
const warnedFor = new Set<string>();

/** Loads (once per process) and returns the contract check. */
export function loadWebexContract(specDir: string = WEBEX_SPEC_DIR): WebexContract {
  let contract = cache.get(specDir);
  if (!contract) {
    contract = buildContract(specDir);
    cache.set(specDir, contract);
  }
  return contract;
}

function buildContract(specDir: string): WebexContract {
  const files = ['webex-wholesale.json', 'webex-device.json'];
  if (!files.every((f) => existsSync(path.join(specDir, f)))) {
    if (!warnedFor.has(specDir)) {
      warnedFor.add(specDir);
      console.warn(
        `[webex-contract] Cisco's OpenAPI files were not found in ${specDir}: requests to the Webex stand-in are NOT checked against Cisco's spec (contractChecked: false).`,
      );
    }
    return { contractChecked: false, specDir, check: () => [], checkResponse: () => [], operationOf: () => undefined };
  }

  // strict: false because the OpenAPI documents carry keywords JSON Schema does not know (example,
  // nullable…); validateSchema: false because the whole OpenAPI document is added as one schema so
  // that `#/components/schemas/...` references resolve inside it.
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, validateFormats: false });
  const docs = new Map<string, Json>();
  for (const file of files) {
    const doc = JSON.parse(readFileSync(path.join(specDir, file), 'utf8')) as Json;
    docs.set(file, doc);
    ajv.addSchema(doc, file);
  }

  const operations: CompiledOperation[] = [];
  for (const { file, template, methods } of OPERATIONS) {
    const doc = docs.get(file)!;
    const pathItem = (doc.paths as Json)[template] as Json | undefined;
    if (!pathItem) throw new Error(`[webex-contract] ${file} has no path ${template}`);
    for (const method of methods) {
      const op = pathItem[method] as Json | undefined;
      if (!op) throw new Error(`[webex-contract] ${file} has no ${method.toUpperCase()} ${template}`);
      const queryParams = new Map<string, string | undefined>();
      for (const p of [...((pathItem.parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])]) {
        const param = deref(doc, p) as Json;
        if (param.in === 'query') queryParams.set(String(param.name), (deref(doc, param.schema) as Json | undefined)?.type as string | undefined);
      }
      const compiled: CompiledOperation = {
        method: method.toUpperCase(),
        template,
        matcher: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
        queryParams,
        doc,
        responses: new Map(),
      };
      // The Locations API's GET answers are not what the spec declares (facts file §12): not checked.
      const responsesTrusted = !(file === 'webex-device.json' && method === 'get');
      for (const [status, response] of Object.entries((op.responses as Json | undefined) ?? {})) {
        const schema = (((response as Json).content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
        if (!responsesTrusted || !status.startsWith('2') || !schema) continue;
        const pointer = `/paths/${escapePointer(template)}/${method}/responses/${status}/content/${escapePointer('application/json')}/schema`;
        compiled.responses.set(status, { validate: ajv.compile({ $ref: `${file}#${pointer}` }), schema });
      }
      const content = (op.requestBody as Json | undefined)?.content as Json | undefined;
      const jsonBody = content?.['application/json'] as Json | undefined;
      if (jsonBody?.schema) {
        const pointer = `/paths/${escapePointer(template)}/${method}/requestBody/content/${escapePointer('application/json')}/schema`;
        compiled.validateBody = ajv.compile({ $ref: `${file}#${pointer}` });
        compiled.bodySchema = jsonBody.schema;
      }
      operations.push(compiled);
    }
  }

  const find = (method: string, p: string): CompiledOperation | undefined =>
    operations.find((o) => o.method === method.toUpperCase() && o.matcher.test(p));

  return {
    contractChecked: true,
    specDir,
    operationOf: (method, p) => find(method, p)?.template,
    checkResponse({ method, path: p, status, body }) {
      const op = find(method, p);
      const response = op?.responses.get(String(status));
      if (!op || !response || body === undefined) return [];
      const where = `${method.toUpperCase()} ${p} → ${status}`;
      const violations: string[] = [];
      if (!response.validate(body)) {
        for (const e of response.validate.errors ?? []) violations.push(`${where}: answer${e.instancePath || ''} ${e.message ?? 'is invalid'}`);
      }
      for (const field of unknownFields(op.doc, response.schema, body, '')) violations.push(`${where}: answer${field} is not a field of Cisco's spec`);
      return violations;
    },
    check(request) {
      const method = request.method.toUpperCase();
      const where = `${method} ${request.path}`;
      const op = find(method, request.path);
      if (!op) return [`${where}: no such operation in Cisco's spec`];
      const violations: string[] = [];
      for (const [name, raw] of Object.entries(request.query ?? {})) {
        if (!op.queryParams.has(name)) {
          violations.push(`${where}: query parameter "${name}" is not declared by the spec`);
          continue;
        }
        const type = op.queryParams.get(name);
        for (const value of Array.isArray(raw) ? raw : [raw]) {
          if (type === 'integer' && !/^-?\d+$/.test(value)) violations.push(`${where}: query parameter "${name}" must be an integer, got "${value}"`);
          if (type === 'number' && !Number.isFinite(Number(value))) violations.push(`${where}: query parameter "${name}" must be a number, got "${value}"`);
          if (type === 'boolean' && value !== 'true' && value !== 'false') violations.push(`${where}: query parameter "${name}" must be true or false, got "${value}"`);
        }
      }
      if (op.validateBody) {
        if (request.body === undefined) {
          violations.push(`${where}: a JSON body is required`);
        } else {
          if (!op.validateBody(request.body)) {
            for (const e of op.validateBody.errors ?? []) {
              const extra = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
              violations.push(`${where}: body${e.instancePath || ''} ${e.message ?? 'is invalid'}${extra}`);
            }
          }
          for (const field of unknownFields(op.doc, op.bodySchema, request.body, '')) {
            violations.push(`${where}: body${field} is not a field of Cisco's spec`);
          }
        }
      } else if (request.body !== undefined && method !== 'GET' && method !== 'DELETE') {
        violations.push(`${where}: the spec declares no request body`);
      }
      return violations;
    },
  };
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Follows local `$ref`s (`#/components/...`) until a schema without one. */
function deref(doc: Json, schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 32 && s && typeof s === 'object' && typeof (s as Json).$ref === 'string'; i++) {
    const ref = (s as Json).$ref as string;
    if (!ref.startsWith('#/')) return s;
    s = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Json)[key] : undefined), doc);
  }
  return s;
}

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Paths (JSON-pointer style, `/provisioningParameters/calling/location/foo`) of every field in `value`
 * that `schema` does not name. Composition keywords (allOf/anyOf/oneOf) count a field as named when
 * any branch names it.
 */
function unknownFields(doc: Json, schemaIn: unknown, value: unknown, at: string): string[] {
  const schema = deref(doc, schemaIn);
  if (!isPlainObject(schema)) return [];
  const branches = [schema, ...(['allOf', 'anyOf', 'oneOf'] as const).flatMap((k) => ((schema[k] as unknown[]) ?? []).map((b) => deref(doc, b)))].filter(isPlainObject);
  const out: string[] = [];
  if (Array.isArray(value)) {
    const items = branches.map((b) => b.items).find((i) => i !== undefined);
    if (items !== undefined) value.forEach((item, i) => out.push(...unknownFields(doc, items, item, `${at}/${i}`)));
    return out;
  }
  if (!isPlainObject(value)) return out;
  const properties = new Map<string, unknown>();
  let additional: unknown;
  let declaresProperties = false;
  for (const b of branches) {
    if (isPlainObject(b.properties)) {
      declaresProperties = true;
      for (const [k, v] of Object.entries(b.properties)) if (!properties.has(k)) properties.set(k, v);
    }
    if (isPlainObject(b.additionalProperties)) additional = b.additionalProperties;
  }
  for (const [key, child] of Object.entries(value)) {
    const childAt = `${at}/${key}`;
    if (properties.has(key)) out.push(...unknownFields(doc, properties.get(key), child, childAt));
    else if (additional !== undefined) out.push(...unknownFields(doc, additional, child, childAt));
    // An object schema that names no properties at all is free-form in the spec: nothing to hold it to.
    else if (declaresProperties) out.push(childAt);
  }
  return out;
}
