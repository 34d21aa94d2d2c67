/**
 * Test harness: starts the fake AWS Config on 127.0.0.1 and builds a real AwsContext (the real
 * SDK client: signing, retries, error parsing, pagination) pointed at it, plus a CollectContext
 * with the estate's fixed clock and a run-scoped memo, the way the engine builds them.
 */
import { standaloneContext } from '../../src/engine/memo.js';
import { createAwsContext } from '../../src/collectors/aws/client.js';
import type { CollectContext } from '../../src/collectors/types.js';
import type { AwsContext } from '../../src/collectors/aws/client.js';
import { awsSettingsSchema, type AwsSettings } from '../../src/config/schema.js';
import { startFakeAwsConfig, type FakeAwsConfig, type FakeAwsConfigOptions } from '../../src/sandbox/aws-config-server.js';
import type { AwsEstate } from '../../src/sandbox/estate/aws.js';

export interface AwsHarness {
  server: FakeAwsConfig;
  estate: AwsEstate;
  aws: AwsContext;
  /** A CollectContext with its own memo (a fresh "run"). */
  ctx(): CollectContext<'aws'>;
  /** Another AwsContext on the same fake: fresh SDK clients, so no retry budget or rate limiter carries over. */
  newContext(settings?: Partial<AwsSettings>): Promise<AwsContext>;
  close(): Promise<void>;
}

/** A CollectContext for one fresh "run" (its own memo), as the engine builds them. */
export function runContext(aws: AwsContext, now: () => Date): CollectContext<'aws'> {
  return standaloneContext({ repoRoot: '.', period: { start: '2026-01-01', end: '2026-03-31' }, now, progress: () => {}, aws });
}

export interface AwsHarnessOptions extends FakeAwsConfigOptions {
  settings?: Partial<AwsSettings>;
  /** Access key to sign with (default: the estate's demo key). */
  accessKeyId?: string;
}

export async function startAwsHarness(estate: AwsEstate, opts: AwsHarnessOptions = {}): Promise<AwsHarness> {
  const { settings = {}, accessKeyId = estate.demoCredentials.accessKeyId, ...serverOpts } = opts;
  const server = await startFakeAwsConfig(estate, serverOpts);
  const now = (): Date => new Date(estate.now);
  const contexts: AwsContext[] = [];
  const newContext = async (extra: Partial<AwsSettings> = {}): Promise<AwsContext> => {
    const aws = await createAwsContext(awsSettingsSchema.parse({ regions: estate.regions, maxAttempts: 3, ...settings, ...extra }), {
      env: {},
      userAgent: 'soc2/0.0.0-test',
      endpoint: server.url,
      credentials: { accessKeyId, secretAccessKey: 'test-secret' },
      // Keep retried tests fast: the SDK's adaptive strategy, with a 1 ms backoff.
      retryDelayMs: 1,
      now,
    });
    contexts.push(aws);
    return aws;
  };
  try {
    const aws = await newContext();
    return {
      server,
      estate,
      aws,
      ctx: () => runContext(aws, now),
      newContext,
      close: async () => {
        for (const c of contexts) for (const region of new Set([...c.regions, ...estate.regions])) c.client(region).destroy();
        await server.close();
        // Strict fake: an operation it does not serve must fail the test, not pass as a gap.
        if (server.stats.unknownOperations.length > 0) {
          throw new Error(`The fake AWS Config was asked for operations it does not serve: ${server.stats.unknownOperations.join(', ')}. Add them to src/sandbox/aws-config-ops.ts.`);
        }
      },
    };
  } catch (e) {
    await server.close();
    throw e;
  }
}
