// Secrets known to this process are registered here and scrubbed from anything printed or written.
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const AUTH_HEADER = /("?authorization"?\s*[:=]\s*"?)[^"\n,}]+/gi;

export function redact(text: string): string {
  let out = text.replace(BEARER, '$1[REDACTED]').replace(AUTH_HEADER, '$1[REDACTED]');
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('[REDACTED]');
    const enc = encodeURIComponent(s);
    if (enc !== s && out.includes(enc)) out = out.split(enc).join('[REDACTED]');
  }
  return out;
}
