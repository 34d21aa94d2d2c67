/**
 * The GitHub App flow of the fake GitHub: a JWT signed RS256 with the app's private key (verified
 * against the public key the fake was given), GET /app, GET /orgs/{org}/installation,
 * GET /app/installations/{installation_id} and POST …/access_tokens, which mints an installation
 * token (`ghs_…`) that expires. Expired tokens are answered 401 "Bad credentials", as GitHub does.
 *
 * JWT times are checked against the real clock, because @octokit/auth-app signs with it; token
 * lifetimes follow the injectable `clock`, so a test can age the tokens without waiting.
 */
import { createPublicKey, randomBytes, verify, type KeyObject } from 'node:crypto';
import type { FakeToken, FinePermission } from './estate/github.js';
import { ownerObject, userObject, type Site } from './github-objects.js';

export interface FakeGitHubApp {
  id: number;
  slug: string;
  name: string;
  /** The app's public key (PEM or KeyObject): JWTs must verify against it. */
  publicKey: string | KeyObject;
  /** What the app may do, in GitHub's names; every installation gets these. */
  permissions: Partial<Record<FinePermission, 'read' | 'write'>>;
  /** Where the app is installed: installation id → the account (organisation login). */
  installations: Array<{ id: number; account: string; suspended?: boolean }>;
}

export interface FakeAppOptions {
  app: FakeGitHubApp;
  /** Milliseconds since the epoch; decides when installation tokens expire. Default Date.now. */
  clock?: () => number;
  /** Lifetime of an installation token (GitHub: one hour). */
  tokenSeconds?: number;
}

/** The routes of the app flow, as GitHub documents them (also the keys of stats.byRoute). */
const APP_ROUTES = [
  { method: 'GET', template: '/app', re: /^\/app$/ },
  { method: 'GET', template: '/orgs/{org}/installation', re: /^\/orgs\/([^/]+)\/installation$/ },
  { method: 'GET', template: '/app/installations/{installation_id}', re: /^\/app\/installations\/([^/]+)$/ },
  { method: 'POST', template: '/app/installations/{installation_id}/access_tokens', re: /^\/app\/installations\/([^/]+)\/access_tokens$/ },
] as const;

export interface AppRoute {
  template: string;
  param: string | undefined;
}

export type AppAnswer = { status: number; body: unknown };

/** GitHub's longest JWT lifetime: exp may be at most ten minutes after iat. */
const MAX_JWT_SECONDS = 10 * 60;
/** Leeway for iat in the future (GitHub advises backdating iat by 60 s for clock drift). */
const IAT_LEEWAY_SECONDS = 60;
const DOCS = 'https://docs.github.com/rest';

const unauthorized = (message: string): AppAnswer => ({ status: 401, body: { message, documentation_url: DOCS, status: '401' } });
const notFound = (): AppAnswer => ({ status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } });

function base64url(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}

export interface FakeAppServer {
  route(method: string, pathname: string): AppRoute | undefined;
  /** The app, when the Authorization header carries a valid JWT of it; else GitHub's 401. */
  authenticate(authorization: string): { ok: true; actor: FakeToken } | { ok: false; answer: AppAnswer };
  handle(route: AppRoute, site: Site): AppAnswer;
  /** The installation token presented, while it has not expired. */
  installationToken(presented: string): FakeToken | undefined;
  /** Tokens minted so far, oldest first (for tests). */
  minted: Array<{ token: string; expiresAt: string }>;
}

export function fakeAppServer(opts: FakeAppOptions): FakeAppServer {
  const { app } = opts;
  const clock = opts.clock ?? Date.now;
  const tokenSeconds = opts.tokenSeconds ?? 3600;
  const publicKey = typeof app.publicKey === 'string' ? createPublicKey(app.publicKey) : app.publicKey;
  const issued = new Map<string, { token: FakeToken; expiresAt: number }>();
  const minted: FakeAppServer['minted'] = [];
  const botLogin = `${app.slug}[bot]`;
  // The app acts by permission only: no user role limits it, so the fake treats it as an owner
  // whose reads are then gated by `permissions` (tokenHas) alone.
  const actor = (token: string): FakeToken => ({ token, login: botLogin, type: 'app', permissions: { ...app.permissions, metadata: 'read' }, orgOwner: true });

  const installationObject = (inst: FakeGitHubApp['installations'][number], site: Site) => {
    const isOrg = inst.account === site.estate.org;
    const account = isOrg ? ownerObject(site) : { ...userObject(site, inst.account), type: 'Organization' };
    return {
      id: inst.id,
      account,
      repository_selection: 'all',
      access_tokens_url: `${site.base}/app/installations/${inst.id}/access_tokens`,
      repositories_url: `${site.base}/installation/repositories`,
      html_url: `https://github.com/organizations/${inst.account}/settings/installations/${inst.id}`,
      app_id: app.id,
      client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
      target_id: account.id,
      target_type: 'Organization',
      permissions: { ...app.permissions, metadata: 'read' },
      events: [],
      created_at: '2025-06-01T10:00:00Z',
      updated_at: '2025-06-01T10:00:00Z',
      single_file_name: null,
      app_slug: app.slug,
      suspended_by: null,
      suspended_at: inst.suspended ? '2026-01-15T10:00:00Z' : null,
    };
  };

  return {
    minted,
    route(method, pathname) {
      for (const r of APP_ROUTES) {
        const m = r.method === method ? r.re.exec(pathname) : null;
        if (m) return { template: `${r.method} ${r.template}`, param: m[1] === undefined ? undefined : decodeURIComponent(m[1]) };
      }
      return undefined;
    },

    authenticate(authorization) {
      const m = /^bearer\s+(\S+)$/i.exec(authorization.trim());
      if (!m) return { ok: false, answer: unauthorized('A JSON web token could not be decoded') };
      const parts = m[1]!.split('.');
      if (parts.length !== 3) return { ok: false, answer: unauthorized('A JSON web token could not be decoded') };
      let header: { alg?: unknown };
      let claims: { iss?: unknown; iat?: unknown; exp?: unknown };
      try {
        header = JSON.parse(base64url(parts[0]!).toString('utf8')) as typeof header;
        claims = JSON.parse(base64url(parts[1]!).toString('utf8')) as typeof claims;
      } catch {
        return { ok: false, answer: unauthorized('A JSON web token could not be decoded') };
      }
      if (header.alg !== 'RS256') return { ok: false, answer: unauthorized('A JSON web token could not be decoded') };
      // The issuer first: a JWT of another app is "not found", whatever key signed it.
      if (String(claims.iss) !== String(app.id)) return { ok: false, answer: unauthorized('Integration not found') };
      const signed = verify('RSA-SHA256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, base64url(parts[2]!));
      if (!signed) return { ok: false, answer: unauthorized('A JSON web token could not be decoded') };
      const now = Math.floor(Date.now() / 1000);
      if (typeof claims.iat !== 'number' || !Number.isInteger(claims.iat) || claims.iat > now + IAT_LEEWAY_SECONDS) {
        return { ok: false, answer: unauthorized("'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued") };
      }
      if (typeof claims.exp !== 'number' || !Number.isInteger(claims.exp) || claims.exp <= now) {
        return { ok: false, answer: unauthorized("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires") };
      }
      if (claims.exp > claims.iat + MAX_JWT_SECONDS) return { ok: false, answer: unauthorized("'Expiration time' claim ('exp') is too far in the future") };
      return { ok: true, actor: { token: '', login: botLogin, type: 'app', orgOwner: false } };
    },

    handle(route, site) {
      const installation = (id: string | undefined) => app.installations.find((i) => String(i.id) === id);
      switch (route.template) {
        case 'GET /app':
          return {
            status: 200,
            body: {
              id: app.id,
              slug: app.slug,
              node_id: `A_${app.id}`,
              client_id: `Iv1.${app.id.toString(16).padStart(16, '0')}`,
              owner: ownerObject(site),
              name: app.name,
              description: 'Reads the organisation settings soc2 checks.',
              external_url: 'https://example.com/soc2',
              html_url: `https://github.com/apps/${app.slug}`,
              created_at: '2025-06-01T10:00:00Z',
              updated_at: '2025-06-01T10:00:00Z',
              permissions: { ...app.permissions, metadata: 'read' },
              events: [],
              installations_count: app.installations.length,
            },
          };
        case 'GET /orgs/{org}/installation': {
          const inst = app.installations.find((i) => i.account.toLowerCase() === (route.param ?? '').toLowerCase());
          return inst ? { status: 200, body: installationObject(inst, site) } : notFound();
        }
        case 'GET /app/installations/{installation_id}': {
          const inst = installation(route.param);
          return inst ? { status: 200, body: installationObject(inst, site) } : notFound();
        }
        case 'POST /app/installations/{installation_id}/access_tokens': {
          const inst = installation(route.param);
          if (!inst) return notFound();
          if (inst.suspended) return { status: 403, body: { message: 'This installation has been suspended', documentation_url: DOCS, status: '403' } };
          const token = `ghs_${randomBytes(27).toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(36, '0').slice(0, 36)}`;
          const expiresAt = clock() + tokenSeconds * 1000;
          issued.set(token, { token: actor(token), expiresAt });
          // GitHub's expires_at has whole seconds.
          const expires = new Date(Math.floor(expiresAt / 1000) * 1000).toISOString().replace('.000Z', 'Z');
          minted.push({ token, expiresAt: expires });
          return { status: 201, body: { token, expires_at: expires, permissions: { ...app.permissions, metadata: 'read' }, repository_selection: 'all' } };
        }
        default:
          return notFound();
      }
    },

    installationToken(presented) {
      const t = issued.get(presented);
      return t && clock() < t.expiresAt ? t.token : undefined;
    },
  };
}
