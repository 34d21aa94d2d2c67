import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedSchemas, schemaFileText } from '../../src/schemas.js';
import { schemasDir } from '../../src/paths.js';

describe('schemas/', () => {
  it.each(Object.entries(generatedSchemas()))('%s is up to date with the zod schema (run `npm run schemas` to regenerate)', (name, schema) => {
    const onDisk = readFileSync(join(schemasDir, name), 'utf8');
    expect(onDisk).toBe(schemaFileText(schema));
  });
});
