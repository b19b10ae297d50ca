/* eslint-disable -- a one-off maintenance script run by hand, outside the typed sources and the published package */
// Extracts the request schemas the sandbox validates from Meta's OpenAPI file
// (facebook/openapi, business-messaging-api_v23.0.yaml, MIT) and patches its three known faults.
// Usage: node spec/extract-openapi-subset.mjs <path to business-messaging-api_v23.0.yaml>
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const source = process.argv[2];
if (!source) throw new Error('usage: extract-openapi-subset.mjs <openapi.yaml>');
const spec = parse(readFileSync(source, 'utf8'), { maxAliasCount: -1 });
const all = spec.components.schemas;
const roots = ['Message', 'MarketingMessageRequestPayload'];

// Every schema reachable from the roots.
const schemas = {};
const visit = (node) => {
  if (Array.isArray(node)) return node.forEach(visit);
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const name = value.replace('#/components/schemas/', '');
      if (!(name in schemas)) {
        schemas[name] = structuredClone(all[name]);
        visit(all[name]);
      }
    } else visit(value);
  }
};
for (const root of roots) {
  schemas[root] = structuredClone(all[root]);
  visit(all[root]);
}

// Fault 1: `allOf: [Base, { additionalProperties: false, … }]` rejects Base's own fields.
const dropAllOfClosure = (node) => {
  if (Array.isArray(node)) return node.forEach(dropAllOfClosure);
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node.allOf)) for (const branch of node.allOf) delete branch.additionalProperties;
  Object.values(node).forEach(dropAllOfClosure);
};
dropAllOfClosure(schemas);
// Fault 2: `recipient_type` is optional in Meta's own examples.
const base = schemas.BaseMessageProperties;
base.required = base.required.filter((field) => field !== 'recipient_type');
// Fault 3: `language.policy` is optional in practice.
const language = schemas.LanguageObject;
language.required = language.required.filter((field) => field !== 'policy');
// Missing field: the API accepts biz_opaque_callback_data (up to 512 characters) on every message.
base.properties.biz_opaque_callback_data = { type: 'string', maxLength: 512 };

// Meta's own examples, to prove the patched schemas accept them.
const examples = {};
for (const [path, root] of [
  ['/{Version}/{Phone-Number-ID}/messages', 'Message'],
  ['/{Version}/{Phone-Number-ID}/marketing_messages', 'MarketingMessageRequestPayload'],
]) {
  const content = spec.paths[path].post.requestBody.content['application/json'];
  examples[root] = Object.fromEntries(Object.entries(content.examples).map(([name, e]) => [name, e.value]));
}

writeFileSync(
  new URL('../src/sandbox/openapi-subset.json', import.meta.url),
  JSON.stringify({
    info: { source: 'facebook/openapi business-messaging-api_v23.0.yaml (MIT), patched' },
    components: { schemas },
  }) + '\n',
);
writeFileSync(
  new URL('../src/sandbox/openapi-examples.json', import.meta.url),
  JSON.stringify(examples, null, 1) + '\n',
);
console.log(
  Object.keys(schemas).length,
  'schemas;',
  Object.values(examples).map((e) => Object.keys(e).length),
  'examples',
);
