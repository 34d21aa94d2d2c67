/** Validates a results.json against the shipped JSON Schema (schemas/results.schema.json), with ajv. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { schemasDir } from '../../src/paths.js';

let validate: ((data: unknown) => boolean) & { errors?: unknown } | undefined;

export function resultsSchemaErrors(results: unknown): string[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    validate = ajv.compile(JSON.parse(readFileSync(join(schemasDir, 'results.schema.json'), 'utf8')));
  }
  return validate(results) ? [] : ((validate.errors as Array<{ instancePath: string; message?: string }>) ?? []).map((e) => `${e.instancePath} ${e.message}`);
}
