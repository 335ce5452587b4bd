// Which gateway to talk to and with which credentials: flags first, then environment variables.
// Secrets are registered for redaction the moment they are read, and kept out of JSON and inspect output.
import { AuthError, UsageError } from '../errors.js';
import { registerSecret } from '../redact.js';

export interface TargetOptions {
  gatewayUrl?: string;
  platform?: string;
  username?: string;
  password?: string;
  token?: string;
  insecure?: boolean;
}

/** Credentials as given. `password` and `token` are non-enumerable on objects made by resolveTarget,
 * so JSON.stringify and console.log of a target never show them. */
export interface Credentials {
  readonly username?: string;
  readonly password?: string;
  readonly token?: string;
}

export interface ResolvedTarget {
  /** e.g. https://gateway.qg1.apps.qualys.com — no trailing `/`, no `/csapi`, no credentials. */
  readonly gateway: string;
  /** Host (and port when not the default) of the gateway, for messages. */
  readonly host: string;
  /** The platform name (e.g. `US1`) when the gateway was chosen by name. */
  readonly platform?: string;
  /** TLS certificate verification off (https only; plain http is only ever allowed to loopback). */
  readonly insecure: boolean;
  readonly credentials: Credentials;
}

export const PLATFORMS: Readonly<Record<string, string>> = Object.freeze({
  US1: 'https://gateway.qg1.apps.qualys.com',
  US2: 'https://gateway.qg2.apps.qualys.com',
  US3: 'https://gateway.qg3.apps.qualys.com',
  US4: 'https://gateway.qg4.apps.qualys.com',
  EU1: 'https://gateway.qg1.apps.qualys.eu',
  EU2: 'https://gateway.qg2.apps.qualys.eu',
  EU3: 'https://gateway.qg3.apps.qualys.it',
  IN1: 'https://gateway.qg1.apps.qualys.in',
  CA1: 'https://gateway.qg1.apps.qualys.ca',
  AE1: 'https://gateway.qg1.apps.qualys.ae',
  UK1: 'https://gateway.qg1.apps.qualys.co.uk',
  AU1: 'https://gateway.qg1.apps.qualys.com.au',
  KSA1: 'https://gateway.qg1.apps.qualysksa.com',
});

const GATEWAY_HINT = 'Set QUALYS_GATEWAY_URL (a full URL) or QUALYS_PLATFORM (e.g. US1), or pass --gateway-url / --platform.';

function nonEmpty(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** 127.0.0.0/8, localhost and ::1. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  if (m) return m.slice(1).every((p) => Number(p) <= 255);
  // IPv4-mapped IPv6 loopback as the URL parser writes it: ::ffff:7f00:1
  const mapped = /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.exec(h);
  return mapped !== null;
}

/** Parses and checks a gateway URL; `source` names where it came from, for messages. */
export function normalizeGatewayUrl(raw: string, source: string): { gateway: string; host: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${source} is not a URL or a platform name: "${raw}"`, `Use a full URL such as https://gateway.qg1.apps.qualys.com, or one of the platforms ${Object.keys(PLATFORMS).join(', ')}.`);
  }
  if (url.username || url.password) {
    // never echo the URL: it holds credentials
    throw new UsageError(`${source} must not contain credentials`, 'Remove the user:password@ part and set QUALYS_USERNAME / QUALYS_PASSWORD or QUALYS_TOKEN instead.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UsageError(`${source} must be an https:// URL, not ${url.protocol}`, GATEWAY_HINT);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `${source} uses plain http:// for ${url.host}; credentials would travel in clear text`,
      'Use https:// (plain http is accepted only for loopback hosts such as 127.0.0.1, the simulator). --insecure does not change this.',
    );
  }
  if (url.search || url.hash) {
    throw new UsageError(`${source} must not contain a query or a fragment: "${url.origin}${url.pathname}${url.search}${url.hash}"`, GATEWAY_HINT);
  }
  let path = url.pathname.replace(/\/+$/, '');
  if (/\/csapi$/i.test(path)) path = path.replace(/\/csapi$/i, '');
  path = path.replace(/\/+$/, '');
  return { gateway: `${url.origin}${path}`, host: url.host };
}

function fromPlatformOrUrl(value: string, source: string): { gateway: string; host: string; platform?: string } {
  const name = value.toUpperCase();
  const known = PLATFORMS[name];
  if (known) return { ...normalizeGatewayUrl(known, source), platform: name };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return normalizeGatewayUrl(value, source);
  throw new UsageError(`${source}: unknown platform "${value}"`, `Use one of ${Object.keys(PLATFORMS).join(', ')}, or a full gateway URL.`);
}

function resolveGateway(opts: TargetOptions, env: NodeJS.ProcessEnv): { gateway: string; host: string; platform?: string } {
  const flagUrl = nonEmpty(opts.gatewayUrl);
  const flagPlatform = nonEmpty(opts.platform);
  if (flagUrl && flagPlatform) {
    throw new UsageError('--gateway-url and --platform were both given', 'Pass only one of them.');
  }
  if (flagUrl) return fromPlatformOrUrl(flagUrl, '--gateway-url');
  if (flagPlatform) return fromPlatformOrUrl(flagPlatform, '--platform');
  const envUrl = nonEmpty(env.QUALYS_GATEWAY_URL);
  const envPlatform = nonEmpty(env.QUALYS_PLATFORM);
  if (envUrl && envPlatform) {
    const a = fromPlatformOrUrl(envUrl, 'QUALYS_GATEWAY_URL');
    const b = fromPlatformOrUrl(envPlatform, 'QUALYS_PLATFORM');
    if (a.gateway !== b.gateway) {
      throw new UsageError(
        `QUALYS_GATEWAY_URL (${a.gateway}) and QUALYS_PLATFORM (${b.gateway}) disagree`,
        'Unset one of them, or pass --gateway-url / --platform to choose.',
      );
    }
    return { ...a, platform: b.platform };
  }
  if (envUrl) return fromPlatformOrUrl(envUrl, 'QUALYS_GATEWAY_URL');
  if (envPlatform) return fromPlatformOrUrl(envPlatform, 'QUALYS_PLATFORM');
  throw new UsageError('no Qualys gateway given', `${GATEWAY_HINT} For the embedded simulator use --simulator.`);
}

/** Builds a Credentials object whose secrets are hidden from JSON.stringify and util.inspect. */
export function makeCredentials(c: { username?: string; password?: string; token?: string }): Credentials {
  registerSecret(c.password);
  registerSecret(c.token);
  const out: Record<string, unknown> = {};
  if (c.username !== undefined) out.username = c.username;
  for (const key of ['password', 'token'] as const) {
    const value = c[key];
    if (value !== undefined) Object.defineProperty(out, key, { value, enumerable: false, writable: false });
  }
  Object.defineProperty(out, Symbol.for('nodejs.util.inspect.custom'), {
    enumerable: false,
    value: () => `Credentials { username: ${JSON.stringify(c.username)}, password: ${c.password ? '[set]' : '[unset]'}, token: ${c.token ? '[set]' : '[unset]'} }`,
  });
  return Object.freeze(out) as Credentials;
}

function resolveCredentials(opts: TargetOptions, env: NodeJS.ProcessEnv): Credentials {
  const username = nonEmpty(opts.username) ?? nonEmpty(env.QUALYS_USERNAME);
  // passwords and tokens are taken as they are (not trimmed), but an empty value counts as unset
  const password = opts.password || env.QUALYS_PASSWORD || undefined;
  const token = nonEmpty(opts.token) ?? nonEmpty(env.QUALYS_TOKEN);
  registerSecret(password);
  registerSecret(token);
  if (!token) {
    if (!username && !password) {
      throw new AuthError('no Qualys credentials given', 'Set QUALYS_USERNAME and QUALYS_PASSWORD, or QUALYS_TOKEN (a JWT from POST /auth).');
    }
    if (!username) throw new AuthError('QUALYS_PASSWORD is set but no user name', 'Set QUALYS_USERNAME (or pass --username), or use QUALYS_TOKEN instead.');
    if (!password) throw new AuthError(`no password for Qualys user "${username}"`, 'Set QUALYS_PASSWORD, or use QUALYS_TOKEN instead.');
  }
  // With a token and a username/password both given, the token is used first and the password
  // renews it on a 401.
  return makeCredentials({
    username,
    password: username ? password : undefined,
    token,
  });
}

export function resolveTarget(opts: TargetOptions, env: NodeJS.ProcessEnv = process.env): ResolvedTarget {
  // Read and register the secrets before anything can fail and print.
  registerSecret(opts.password);
  registerSecret(opts.token);
  registerSecret(env.QUALYS_PASSWORD);
  registerSecret(env.QUALYS_TOKEN);
  const gw = resolveGateway(opts, env);
  const credentials = resolveCredentials(opts, env);
  const target: ResolvedTarget = {
    gateway: gw.gateway,
    host: gw.host,
    ...(gw.platform ? { platform: gw.platform } : {}),
    insecure: opts.insecure === true,
    credentials,
  };
  return Object.freeze(target);
}
