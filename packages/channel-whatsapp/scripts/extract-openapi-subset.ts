// Extracts the request schemas the sandbox validates from Meta's OpenAPI file
// (facebook/openapi, business-messaging-api_v23.0.yaml, MIT) and patches its three known faults.
//
//   npm run extract-openapi -w @banditore/channel-whatsapp -- <path to business-messaging-api_v23.0.yaml>
//
// Writes src/sandbox/openapi-subset.json and src/sandbox/openapi-examples.json (run from the package).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';

type Json = { [key: string]: unknown };
interface Spec {
  components: { schemas: Record<string, Json> };
  paths: Record<
    string,
    { post: { requestBody: { content: Record<string, { examples: Record<string, { value: unknown }> }> } } }
  >;
}

const source = process.argv[2];
if (!source) throw new Error('usage: extract-openapi-subset <openapi.yaml>');
const spec = parse(readFileSync(source, 'utf8'), { maxAliasCount: -1 }) as Spec;
const all = spec.components.schemas;
const roots = ['Message', 'MarketingMessageRequestPayload'];

// Every schema reachable from the roots.
const schemas: Record<string, Json> = {};
const visit = (node: unknown): void => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const name = value.replace('#/components/schemas/', '');
      if (!(name in schemas)) {
        schemas[name] = structuredClone(all[name]!);
        visit(all[name]);
      }
    } else visit(value);
  }
};
for (const root of roots) {
  schemas[root] = structuredClone(all[root]!);
  visit(all[root]);
}

// Fault 1: `allOf: [Base, { additionalProperties: false, … }]` rejects Base's own fields.
const dropAllOfClosure = (node: unknown): void => {
  if (Array.isArray(node)) return node.forEach(dropAllOfClosure);
  if (node === null || typeof node !== 'object') return;
  const record = node as Json;
  if (Array.isArray(record.allOf)) for (const branch of record.allOf as Json[]) delete branch.additionalProperties;
  Object.values(record).forEach(dropAllOfClosure);
};
dropAllOfClosure(schemas);
// Fault 2: `recipient_type` is optional in Meta's own examples.
const base = schemas.BaseMessageProperties as { required: string[]; properties: Json };
base.required = base.required.filter((field) => field !== 'recipient_type');
// Fault 3: `language.policy` is optional in practice.
const language = schemas.LanguageObject as { required: string[] };
language.required = language.required.filter((field) => field !== 'policy');
// Missing field: the API accepts biz_opaque_callback_data (up to 512 characters) on every message.
base.properties.biz_opaque_callback_data = { type: 'string', maxLength: 512 };
// The Marketing Messages API takes it as well, and echoes it in the marketing messages' statuses.
const marketing = schemas.MarketingMessageRequestPayload as { properties: Json };
marketing.properties.biz_opaque_callback_data = { type: 'string', maxLength: 512 };

// Meta's own examples, to prove the patched schemas accept them.
const examples: Record<string, Record<string, unknown>> = {};
for (const [path, root] of [
  ['/{Version}/{Phone-Number-ID}/messages', 'Message'],
  ['/{Version}/{Phone-Number-ID}/marketing_messages', 'MarketingMessageRequestPayload'],
] as const) {
  const content = spec.paths[path]!.post.requestBody.content['application/json']!;
  examples[root] = Object.fromEntries(Object.entries(content.examples).map(([name, entry]) => [name, entry.value]));
}

const info = { source: 'facebook/openapi business-messaging-api_v23.0.yaml (MIT), patched' };
writeFileSync(resolve('src/sandbox/openapi-subset.json'), JSON.stringify({ info, components: { schemas } }) + '\n');
writeFileSync(resolve('src/sandbox/openapi-examples.json'), JSON.stringify(examples, null, 1) + '\n');
process.stdout.write(`${Object.keys(schemas).length} schemas\n`);
