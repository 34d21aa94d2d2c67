/**
 * The fake GitHub's contents route (GET /repos/{owner}/{repo}/contents/{path}), which repo.security-policy
 * reads for an organisation's default community files: its answers must have the shapes GitHub's own
 * REST description gives them, as the real Octokit receives them.
 */
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoGitHubEstate } from '../../../src/sandbox/estate/github.js';
import { startHarness, type Harness } from '../../fakes/github-context.js';

const require = createRequire(import.meta.url);
// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;
const spec = require('@octokit/openapi/generated/api.github.com.deref.json') as {
  paths: Record<string, { get: { responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }>;
  components: { schemas: Record<string, unknown> };
};

describe('sandbox/github-rest contents', () => {
  let harness: Harness;
  beforeAll(async () => {
    const estate = demoGitHubEstate();
    estate.repos.push({ ...estate.repos[0]!, id: 990_002, name: '.github', visibility: 'public', files: { 'SECURITY.md': '# Security\n\nsecurity@example.com\n', 'profile/README.md': '# hi\n' } });
    harness = await startHarness(estate);
  });
  afterAll(() => harness.close());

  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validate = ajv.compile(spec.paths['/repos/{owner}/{repo}/contents/{path}']!.get.responses['200']!.content!['application/json']!.schema as object);

  it('answers a file, the root listing (with or without the trailing slash) and a folder listing in GitHub\'s shapes', async () => {
    const { octokit } = await harness.github();
    const get = (path: string) => octokit.request('GET /repos/{owner}/{repo}/contents/{path}', { owner: 'northwind-analytics', repo: '.github', path });
    const file = await get('SECURITY.md');
    expect(validate(file.data), JSON.stringify(validate.errors)).toBe(true);
    expect(file.data).toMatchObject({ type: 'file', path: 'SECURITY.md', encoding: 'base64' });
    expect(Buffer.from((file.data as { content: string }).content, 'base64').toString()).toBe('# Security\n\nsecurity@example.com\n');
    const root = await get('');
    expect(validate(root.data), JSON.stringify(validate.errors)).toBe(true);
    expect((root.data as Array<{ name: string; type: string }>).map((e) => [e.name, e.type])).toEqual([['profile', 'dir'], ['SECURITY.md', 'file']]);
    const slash = await octokit.request('GET /repos/{owner}/{repo}/contents/', { owner: 'northwind-analytics', repo: '.github' });
    expect(slash.data).toEqual(root.data);
    const folder = await get('profile');
    expect(validate(folder.data), JSON.stringify(validate.errors)).toBe(true);
    await expect(get('missing.md')).rejects.toMatchObject({ status: 404 });
  });
});
