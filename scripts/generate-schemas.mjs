// Rewrites schemas/*.json from the zod schemas (run after `npm run build`).
import { writeFileSync, mkdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedSchemas, schemaFileText } from '../dist/schemas.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');
mkdirSync(dir, { recursive: true });
for (const [name, schema] of Object.entries(generatedSchemas())) {
  writeFileSync(join(dir, name), schemaFileText(schema));
  console.log(`wrote schemas/${name}`);
}
