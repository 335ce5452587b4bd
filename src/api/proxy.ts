// The HTTP proxy for the gateway, from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (lower case first, as curl and undici
// read them). The values are handed to undici's EnvHttpProxyAgent explicitly, so what --debug reports is what is
// used; the NO_PROXY rule below is the one EnvHttpProxyAgent applies. Proxy credentials are registered for
// redaction and never shown.
import { UsageError } from '../errors.js';
import { registerSecret } from '../redact.js';

export interface ProxySettings {
  /** For EnvHttpProxyAgent ('' = none). */
  httpProxy: string;
  httpsProxy: string;
  noProxy: string;
  /** The proxy the gateway's requests go through (credentials replaced), or undefined when they go direct. */
  via?: { shown: string; variable: string };
  /** One line for --debug: which proxy is used for the gateway, or why none. */
  describe: string;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

function firstSet(env: NodeJS.ProcessEnv, names: string[]): { value: string; variable: string } | undefined {
  for (const n of names) {
    const v = env[n]?.trim();
    if (v) return { value: v, variable: n };
  }
  return undefined;
}

/** The URL as shown: scheme, host and port; any user:password replaced. */
export function showProxy(url: URL): string {
  return `${url.protocol}//${url.username || url.password ? '[REDACTED]@' : ''}${url.host}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function checkProxy(raw: string, variable: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${variable} is not a URL`, `Set it to the proxy's URL, e.g. http://proxy.example.com:3128 (credentials, if any, as http://user:password@host:port).`);
  }
  // the password is a secret; the user name is not (registering it would scrub every word that equals it)
  if (url.password) {
    registerSecret(url.password);
    registerSecret(safeDecode(url.password));
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${variable} must be an http:// or https:// proxy URL, not ${url.protocol} (${showProxy(url)})`, 'Use the HTTP proxy of your network, e.g. http://proxy.example.com:3128.');
  }
  return url;
}

/** Whether NO_PROXY exempts host:port (EnvHttpProxyAgent's rule: `*`, exact host, or a subdomain of an entry; an entry's port must match). */
export function bypassesProxy(noProxy: string, hostname: string, port: number): boolean {
  const value = noProxy.trim();
  if (value === '') return false;
  if (value === '*') return true;
  const host = hostname.toLowerCase();
  for (const entry of value.split(/[,\s]/)) {
    if (!entry) continue;
    const m = /^(.+):(\d+)$/.exec(entry);
    const h = (m ? m[1]! : entry).replace(/^\*?\./, '').toLowerCase();
    const p = m ? Number.parseInt(m[2]!, 10) : 0;
    if (p && p !== port) continue;
    if (host === h || host.endsWith(`.${h}`)) return true;
  }
  return false;
}

/** The proxy settings for a gateway, from the environment. */
export function proxyFor(gateway: string, env: NodeJS.ProcessEnv = process.env): ProxySettings {
  const http = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const https = firstSet(env, ['https_proxy', 'HTTPS_PROXY']);
  const no = firstSet(env, ['no_proxy', 'NO_PROXY']);
  const httpUrl = http ? checkProxy(http.value, http.variable) : undefined;
  const httpsUrl = https ? checkProxy(https.value, https.variable) : undefined;
  const settings = { httpProxy: http?.value ?? '', httpsProxy: https?.value ?? '', noProxy: no?.value ?? '' };
  const g = new URL(gateway);
  // an https gateway uses HTTPS_PROXY, else HTTP_PROXY (as EnvHttpProxyAgent does)
  const chosen = g.protocol === 'https:' ? (httpsUrl ? { url: httpsUrl, variable: https!.variable } : httpUrl ? { url: httpUrl, variable: http!.variable } : undefined) : httpUrl ? { url: httpUrl, variable: http!.variable } : undefined;
  if (!chosen) return { ...settings, describe: `proxy: none for ${g.host} (no ${g.protocol === 'https:' ? 'HTTPS_PROXY or HTTP_PROXY' : 'HTTP_PROXY'} set)` };
  const hostname = g.hostname.replace(/^\[|\]$/g, '');
  const port = Number.parseInt(g.port, 10) || DEFAULT_PORTS[g.protocol] || 0;
  if (bypassesProxy(settings.noProxy, g.host.replace(/:\d*$/, ''), port) || bypassesProxy(settings.noProxy, hostname, port)) {
    return { ...settings, describe: `proxy: none for ${g.host} (${no!.variable} exempts it; ${chosen.variable} is ${showProxy(chosen.url)})` };
  }
  const shown = showProxy(chosen.url);
  return { ...settings, via: { shown, variable: chosen.variable }, describe: `proxy: ${g.host} through ${shown} (${chosen.variable}${no ? `; ${no.variable}=${no.value}` : ''})` };
}
