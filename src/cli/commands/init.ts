/** `soc2 init`: write a commented starter configuration. */
import { existsSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { STARTER_CONFIG } from '../../config/init-template.js';
import { DEFAULT_CONFIG_FILE } from '../../config/load.js';
import { UsageError } from '../../errors.js';

export async function initCommand(opts: { force?: boolean }): Promise<void> {
  const file = resolve(process.cwd(), DEFAULT_CONFIG_FILE);
  if (existsSync(file) && !opts.force) {
    throw new UsageError(`${DEFAULT_CONFIG_FILE} already exists.`, 'Edit it, or run `soc2 init --force` to replace it with the starter.');
  }
  writeFileSync(file, STARTER_CONFIG);
  process.stdout.write(`Wrote ${DEFAULT_CONFIG_FILE}. Uncomment the aws and github sections you need, then run \`soc2 run\`.\n`);
}
