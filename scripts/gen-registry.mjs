#!/usr/bin/env node
// Regenerates src/core/registry/generated.ts (the dataset registry) and the table in
// docs/datasets.md from the OpenAPI document in spec/ and the reviewed overrides in
// src/core/registry/overrides.ts. The derivation is src/core/registry/derive.ts, run from its
// build: this script compiles src/ (tsc -p tsconfig.build.json) before it imports dist/, so an
// edited override is never read from a stale build.
// Usage: node scripts/gen-registry.mjs [path/to/openapi.json]   (or: npm run registry)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });

const { deriveRegistry, renderRegistryModule } = await import('../dist/core/registry/derive.js');
const { OVERRIDES } = await import('../dist/core/registry/overrides.js');
const { withDatasetsTable } = await import('../dist/core/registry/docs-table.js');

const src = process.argv[2] ?? new URL('../spec/openapi-insights-2026-08.json', import.meta.url);
const doc = JSON.parse(readFileSync(src, 'utf8'));
const specs = deriveRegistry(doc, OVERRIDES);
writeFileSync(new URL('../src/core/registry/generated.ts', import.meta.url), renderRegistryModule(specs));
const page = new URL('../docs/datasets.md', import.meta.url);
writeFileSync(page, withDatasetsTable(readFileSync(page, 'utf8'), specs));
console.log(`wrote ${specs.length} datasets to src/core/registry/generated.ts and the table of docs/datasets.md`);
