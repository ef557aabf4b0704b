import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const SDK_SRC = path.join(ROOT, 'sdk/src');

interface Example { where: string; code: string }

/** Every `@example` of the SDK's TSDoc (fenced ```ts blocks, one-line `code` spans) and the READMEs' ```ts blocks. */
function examples(): Example[] {
  const found: Example[] = [];
  for (const file of readdirSync(SDK_SRC).filter((f) => f.endsWith('.ts'))) {
    const text = readFileSync(path.join(SDK_SRC, file), 'utf8');
    for (const comment of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const line = text.slice(0, comment.index).split('\n').length;
      const body = comment[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n');
      const at = body.indexOf('@example');
      if (at < 0) continue;
      const after = body.slice(at + '@example'.length);
      const fenced = [...after.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
      const inline = fenced.length ? [] : [...after.matchAll(/^\s*`([^`]+)`/g)].map((m) => m[1]);
      for (const code of [...fenced, ...inline]) found.push({ where: `sdk/src/${file}:${line}`, code });
    }
  }
  // The READMEs' TypeScript blocks too (their ```js blocks run in test/readme.test.ts or are fragments).
  for (const readme of ['README.md', 'sdk/README.md']) {
    const text = readFileSync(path.join(ROOT, readme), 'utf8');
    for (const block of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      found.push({ where: `${readme}:${text.slice(0, block.index).split('\n').length}`, code: block[1] });
    }
  }
  return found;
}

/**
 * The names an example may use without declaring them, as a reader would have them from the
 * steps before: a client, ids, an input. Each is declared with the SDK's own type.
 */
const CONTEXT = `
declare const process: { env: Record<string, string | undefined> };
declare const hub: ProvisioningClient;
declare const url: string, token: string, adminId: string, subscriptionId: string, provisioningId: string;
declare const customerId: string, userId: string, id: string, pid: string, accessToken: string, refreshToken: string;
declare const headquarters: LocationInput;
declare const csvTextOrChunks: string;
declare const users: CustomerUserInput[];
declare const customer: Customer;
declare const template: Template;
declare const eva: CustomerUser;
declare const locationId: string;
declare const branch: { id: string };
declare const user: CustomerUser;
declare const piet: CustomerUser, jan: CustomerUser;
`;

/**
 * Every TSDoc example of the SDK compiles against the SDK's types (strict), each in a module of its
 * own: what it imports from '@wholesale-provisioning/sdk' it imports, every other export of the
 * SDK is in scope as a reader of the README has it, and its body runs inside an async function.
 */
describe('the SDK’s TSDoc examples', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-examples-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('compile, every one of them', () => {
    const all = examples();
    expect(all.length).toBeGreaterThan(40);
    const index = path.join(SDK_SRC, 'index.ts');
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.asynciterable.d.ts'], strict: true, noEmit: true, skipLibCheck: true, types: [],
      paths: { '@wholesale-provisioning/sdk': [index] }, baseUrl: ROOT,
    };
    const sdkProgram = ts.createProgram([index], options);
    const sdkModule = sdkProgram.getTypeChecker().getSymbolAtLocation(sdkProgram.getSourceFile(index)!)!;
    const exported = sdkProgram.getTypeChecker().getExportsOfModule(sdkModule).map((s) => s.name);

    const files = all.map((example, i) => {
      const imports = example.code.split('\n').filter((l) => /^import\s/.test(l));
      const body = example.code.split('\n').filter((l) => !/^import\s/.test(l)).join('\n');
      const own = new Set(imports.flatMap((l) => [...(l.match(/\{([^}]*)\}/)?.[1] ?? '').matchAll(/(?:type\s+)?(\w+)/g)].map((m) => m[1])));
      const given = exported.filter((name) => !own.has(name));
      const file = path.join(dir, `example-${i}.mts`);
      writeFileSync(file, `// ${example.where}\nimport { ${given.join(', ')} } from '@wholesale-provisioning/sdk';\n${imports.join('\n')}\n${CONTEXT}\n`
        + `export async function example(): Promise<void> {\n${body}\n}\n`);
      return { file, example };
    });
    const program = ts.createProgram(files.map((f) => f.file), options);
    const problems = files.flatMap(({ file, example }) => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) =>
      `${example.where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}\n${example.code}`));
    expect(problems).toEqual([]);
  }, 120_000);
});

/**
 * Each mutation is documented once, on the ProvisioningClient method users call (what it does, its
 * rules, its example); its ProvisioningPayloads twin says what its payload holds and links there. Checked
 * on the declarations the SDK's build emits (what an IDE shows a user of the package), not on the source.
 */
describe('the SDK’s declarations', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sdk-dts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('document every mutation on the client method with an example, and link each payload method to it', () => {
    const config = ts.readConfigFile(path.join(ROOT, 'sdk/tsconfig.json'), ts.sys.readFile);
    const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, path.join(ROOT, 'sdk'));
    const emit = ts.createProgram(parsed.fileNames, { ...parsed.options, outDir: dir, declaration: true, emitDeclarationOnly: true, noEmit: false });
    expect(emit.emit().emitSkipped).toBe(false);
    const dts = path.join(dir, 'provisioning-client.d.ts');
    const program = ts.createProgram([dts], { strict: true, noEmit: true, skipLibCheck: true, types: [] });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(dts)!;
    const members = (name: string) => {
      const node = source.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name)!;
      return new Map(checker.getTypeAtLocation(node).getProperties().map((p) => [p.name, p]));
    };
    const client = members('ProvisioningClient');
    const payloads = members('ProvisioningPayloads');
    expect(payloads.size).toBeGreaterThan(15);
    const problems: string[] = [];
    for (const [name, payload] of payloads) {
      const method = client.get(name);
      const tags = (s: ts.Symbol) => s.getJsDocTags(checker).map((t) => [t.name, ts.displayPartsToString(t.text)]);
      if (!method) {
        problems.push(`${name}: no ProvisioningClient method`);
        continue;
      }
      if (ts.displayPartsToString(method.getDocumentationComment(checker)).length < 20) problems.push(`ProvisioningClient.${name}: no description`);
      if (!tags(method).some(([tag, text]) => tag === 'example' && text.includes(`hub.${name}(`))) problems.push(`ProvisioningClient.${name}: no example calling it`);
      if (!ts.displayPartsToString(payload.getDocumentationComment(checker)).includes(`\`${name}\` as data`)) problems.push(`ProvisioningPayloads.${name}: no payload description`);
      if (!tags(payload).some(([tag, text]) => tag === 'see' && text.includes(`ProvisioningClient.${name}`))) problems.push(`ProvisioningPayloads.${name}: no link to ProvisioningClient.${name}`);
      if (tags(payload).some(([tag]) => tag === 'example')) problems.push(`ProvisioningPayloads.${name}: a second example (it belongs on ProvisioningClient.${name})`);
    }
    expect(problems).toEqual([]);
  }, 120_000);
});
