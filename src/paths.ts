/**
 * Locations inside the installed package. Both src/ (tests) and dist/ (the CLI) sit one level
 * below the package root, so the same relative path works for both.
 */
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const builtinControlsDir = join(packageRoot, 'controls');
export const dataDir = join(packageRoot, 'data');
export const schemasDir = join(packageRoot, 'schemas');

let cachedVersion: string | undefined;
export function toolVersion(): string {
  cachedVersion ??= (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  return cachedVersion;
}
export const TOOL_NAME = 'soc2';
export function userAgent(): string {
  return `${TOOL_NAME}/${toolVersion()} node/${process.versions.node}`;
}
