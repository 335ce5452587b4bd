// The JWT: fetched with username/password (POST {gateway}/auth), cached, renewed before it expires
// and once on a 401; or a token given as it is. Concurrent callers share one in-flight fetch.
import { AuthError } from '../errors.js';
import { registerSecret } from '../redact.js';
import type { Credentials } from './config.js';
import { apiErrorFrom, redirectError, serverMessageOf } from './errors.js';
import { header } from './retry.js';
import type { RawResponse } from './wire.js';

export const DEFAULT_TOKEN_LIFETIME_MS = 4 * 60 * 60 * 1000;
const RENEW_MARGIN_MS = 5 * 60 * 1000;

/** How long a JWT fetched at `now` stays valid, in ms: `exp - iat` when both claims are there (immune
 * to clock skew), else `exp - now`; undefined when it cannot be read or makes no sense. */
export function jwtLifetimeMs(jwt: string, now: number): number | undefined {
  const { issuedAt, expiresAt } = claimsOf(jwt);
  if (expiresAt === undefined) return undefined;
  const life = issuedAt !== undefined ? (expiresAt - issuedAt) * 1000 : expiresAt * 1000 - now;
  return life > 0 ? life : undefined;
}

/** The `iat` and `exp` claims of a JWT (epoch seconds), where readable; never the token itself. */
export function claimsOf(jwt: string): { issuedAt?: number; expiresAt?: number } {
  const parts = jwt.split('.');
  if (parts.length !== 3) return {};
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
    const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
    const out: { issuedAt?: number; expiresAt?: number } = {};
    const iat = num(payload.iat);
    const exp = num(payload.exp);
    if (iat !== undefined) out.issuedAt = iat;
    if (exp !== undefined) out.expiresAt = exp;
    return out;
  } catch {
    return {};
  }
}

interface Cached {
  jwt: string;
  fetchedAt: number;
  expiresAt: number;
}

export const TOKEN_HINT = 'Set a fresh QUALYS_TOKEN, or set QUALYS_USERNAME and QUALYS_PASSWORD so the token can be renewed.';
export const PASSWORD_HINT = 'Check QUALYS_USERNAME and QUALYS_PASSWORD (the account needs API access to Container Security).';

export class TokenManager {
  private cached?: Cached;
  private inflight?: Promise<string>;
  private givenToken?: string;

  constructor(
    private readonly credentials: Credentials,
    /** Performs POST /auth and returns the raw JWT (throws AuthError / ApiError / NetworkError). */
    private readonly fetchToken: (username: string, password: string) => Promise<string>,
    private readonly now: () => number,
  ) {
    this.givenToken = credentials.token;
  }

  /** Where the token in use comes from: the one given (QUALYS_TOKEN), or POST /auth with the username/password. */
  get source(): 'token' | 'password' {
    return this.givenToken ? 'token' : 'password';
  }

  get canRenew(): boolean {
    return Boolean(this.credentials.username && this.credentials.password);
  }

  /** The token to send now. */
  async token(): Promise<string> {
    if (this.givenToken) return this.givenToken;
    const c = this.cached;
    if (c && this.now() < renewAt(c)) return c.jwt;
    return this.renew();
  }

  /** The gateway refused `used` with a 401: forget it. Returns false when there is no way to get another. */
  invalidate(used: string): boolean {
    // a given token without a password to replace it stays: the caller reports the 401 each time
    if (!this.canRenew) return false;
    if (this.givenToken === used) this.givenToken = undefined;
    if (this.cached?.jwt === used) this.cached = undefined;
    return this.canRenew;
  }

  private renew(): Promise<string> {
    if (this.inflight) return this.inflight;
    const { username, password } = this.credentials;
    if (!username || !password) {
      return Promise.reject(new AuthError('the Qualys token was refused and there is no username/password to renew it', TOKEN_HINT));
    }
    const p = this.fetchToken(username, password)
      .then((jwt) => {
        registerSecret(jwt);
        const now = this.now();
        this.cached = { jwt, fetchedAt: now, expiresAt: now + (jwtLifetimeMs(jwt, now) ?? DEFAULT_TOKEN_LIFETIME_MS) };
        return jwt;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    this.inflight = p;
    return p;
  }
}

/** 5 minutes before expiry, or half-way for a token shorter-lived than 10 minutes. */
function renewAt(c: Cached): number {
  const margin = Math.min(RENEW_MARGIN_MS, Math.max(0, (c.expiresAt - c.fetchedAt) / 2));
  return c.expiresAt - margin;
}

/** The JWT in the answer to POST /auth (the bare token, or `token` / `access_token` / `jwt` of a JSON object);
 * a refusal, a redirect or an error status becomes its typed error. */
export function tokenFromAnswer(res: RawResponse, host: string, username: string): string {
  const s = res.status;
  if (s >= 200 && s < 300) {
    let jwt = res.text.trim();
    if (jwt.startsWith('{')) {
      try {
        const o = JSON.parse(jwt) as Record<string, unknown>;
        const t = o.token ?? o.access_token ?? o.jwt;
        jwt = typeof t === 'string' ? t.trim() : '';
      } catch {
        jwt = '';
      }
    }
    // a token is base64url-ish text; an HTML maintenance or login page (a proxy's answer) is not one
    if (!jwt || !/^[A-Za-z0-9._~+/=-]+$/.test(jwt)) {
      throw new AuthError(`POST /auth on ${host} answered ${s} without a token`, 'Check that the gateway URL is the Qualys API gateway (gateway.qgN.apps.qualys...).');
    }
    return jwt;
  }
  if (s === 401 || s === 403) {
    const msg = serverMessageOf(res.text);
    throw new AuthError(`the gateway ${host} refused the username/password of "${username}" (${s})${msg ? `: ${msg}` : ''}`, PASSWORD_HINT);
  }
  if (s >= 300 && s < 400) throw redirectError(s, 'POST', '/auth', header(res.headers, 'location'), host);
  throw apiErrorFrom(s, 'POST', '/auth', res.text);
}

/** The error for a 401 on a CS call: the given token refused (no way to renew it), or a fetched one. */
export function tokenRefused(text: string, host: string, canRenew: boolean, afterRenewal: boolean): AuthError {
  const msg = serverMessageOf(text);
  const suffix = msg ? `: ${msg}` : '';
  if (!canRenew) return new AuthError(`the gateway ${host} refused the Qualys token (401)${suffix}`, TOKEN_HINT);
  return new AuthError(
    `the gateway ${host} refused ${afterRenewal ? 'a freshly issued' : 'the'} token (401)${suffix}`,
    `${PASSWORD_HINT} If the credentials are right, the account may lack access to the Container Security API.`,
  );
}
