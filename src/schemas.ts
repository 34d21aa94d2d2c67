/**
 * JSON Schemas generated from the zod schemas, shipped in schemas/ for editors and consumers of
 * results.json. `npm run schemas` rewrites the files; a test fails when they are out of date.
 */
import { z } from 'zod';
import { controlSchema, assertionSchema } from './controls/schema.js';
import { configSchema } from './config/schema.js';
import { resultsSchema } from './results.js';

function withMeta(schema: Record<string, unknown>, id: string, title: string): Record<string, unknown> {
  return { ...schema, $schema: 'https://json-schema.org/draft/2020-12/schema', $id: `urn:soc2:schema:${id}`, title };
}

export function generatedSchemas(): Record<string, Record<string, unknown>> {
  const control = z.toJSONSchema(controlSchema.extend({ assert: assertionSchema.optional() }), { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const config = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const results = z.toJSONSchema(resultsSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    'control.schema.json': withMeta(control, 'control.schema.json', 'soc2 control definition'),
    'config.schema.json': withMeta(config, 'config.schema.json', 'soc2.config.yaml'),
    'results.schema.json': withMeta(results, 'results.schema.json', 'soc2 results.json'),
  };
}

export function schemaFileText(schema: Record<string, unknown>): string {
  return JSON.stringify(schema, null, 2) + '\n';
}
