/**
 * A GitHub App registered with the fake GitHub, for tests of the app flow: a fresh RSA key pair,
 * the app's permissions (every read soc2's collectors declare) and its installation on the
 * estate's organisation, plus the environment a user would set.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { FakeGitHubApp } from '../../src/sandbox/github-app.js';
import type { GitHubEstate } from '../../src/sandbox/estate/github.js';

export const APP_ID = 4242;
export const APP_SLUG = 'soc2-audit';
export const INSTALLATION_ID = 77;

export interface TestApp {
  app: FakeGitHubApp;
  /** The app's private key as GitHub hands it out (PKCS#1 PEM). */
  privateKey: string;
  /** Another app's key: valid RSA, wrong signer. */
  otherKey: string;
}

let keys: { privateKey: string; publicKey: string; otherKey: string } | undefined;

/** One key pair per test file: RSA generation is the slow part. */
function testKeys() {
  if (!keys) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = {
      privateKey: pair.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
      publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      otherKey: other.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    };
  }
  return keys;
}

export function testApp(estate: GitHubEstate, installations?: FakeGitHubApp['installations']): TestApp {
  const k = testKeys();
  return {
    app: {
      id: APP_ID,
      slug: APP_SLUG,
      name: 'soc2 audit',
      publicKey: k.publicKey,
      permissions: {
        administration: 'read',
        contents: 'read',
        pull_requests: 'read',
        checks: 'read',
        statuses: 'read',
        vulnerability_alerts: 'read',
        security_events: 'read',
        repository_hooks: 'read',
        organization_administration: 'read',
        members: 'read',
      },
      installations: installations ?? [{ id: INSTALLATION_ID, account: estate.org }],
    },
    privateKey: k.privateKey,
    otherKey: k.otherKey,
  };
}
