import { readFileSync } from 'node:fs';
const spec = JSON.parse(readFileSync('node_modules/@octokit/openapi/generated/api.github.com.json','utf8'));
const S = spec.components.schemas;
for (const n of process.argv.slice(2)) {
  const s = S[n];
  console.log('==', n, 'required:', (s.required ?? []).join(' '));
  for (const [k, v] of Object.entries(s.properties ?? {})) if ((s.required ?? []).includes(k) && !k.endsWith('_url')) console.log('  ', k, v.$ref ?? v.type ?? JSON.stringify(v).slice(0,100), v.nullable ? 'nullable' : '', v.enum ? JSON.stringify(v.enum) : '');
}
