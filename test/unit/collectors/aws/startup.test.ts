import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../../src/paths.js';

// `soc2 controls list` loads every collector module for its schemas; the AWS SDK takes longer to
// load than the rest of soc2 together, so it may only be imported lazily, inside functions.
describe('collectors/aws (start-up cost)', () => {
  it('imports the AWS SDK and its runtime only as types at the top of a module', () => {
    const dir = join(packageRoot, 'src', 'collectors', 'aws');
    const offenders: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
        if (/^import\s+(?!type\b)[^;]*from\s+'@(aws-sdk|smithy)\//.test(line)) offenders.push(`${f}: ${line}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
