#!/usr/bin/env node
// Extracts from the Elexon OpenAPI document what the dataset registry is checked against:
// for each registry endpoint, its query parameters, whether a /stream twin exists, and the row
// fields with their OpenAPI types, in document order. Writes test/fixtures/openapi-registry-slice.json.
// Usage: node scripts/openapi-slice.mjs [path/to/openapi.json]
import { readFileSync, writeFileSync } from 'node:fs';

const src = process.argv[2] ?? '../shared/elexon/openapi-insights-2026-08.json';
const doc = JSON.parse(readFileSync(src, 'utf8'));
const schemas = doc.components.schemas;
const deref = (s) => (s && s.$ref ? schemas[s.$ref.split('/').pop()] : s);
const paths = [
  '/datasets/FUELINST', '/datasets/FUELHH', '/datasets/FREQ', '/datasets/MID', '/datasets/INDO', '/datasets/ITSDO',
  '/datasets/TEMP', '/datasets/WINDFOR', '/datasets/BOD', '/datasets/BOALF', '/datasets/NETBSAD', '/datasets/DISBSAD',
  '/generation/actual/per-type/wind-and-solar',
];
const out = {};
for (const p of paths) {
  const op = doc.paths[p].get;
  const envelope = deref(op.responses['200'].content['application/json'].schema);
  const row = deref(envelope.properties.data.items);
  out[p] = {
    stream: Boolean(doc.paths[`${p}/stream`]),
    params: op.parameters.map((x) => x.name),
    envelopeKeys: Object.keys(envelope.properties),
    fields: Object.entries(row.properties).map(([name, s]) => ({ name, type: s.type, format: s.format ?? null })),
  };
}
writeFileSync('test/fixtures/openapi-registry-slice.json', JSON.stringify({ source: src.split('/').pop(), endpoints: out }, null, 1) + '\n');
console.log(`wrote ${paths.length} endpoints`);
