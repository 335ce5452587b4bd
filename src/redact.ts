// Secrets known to this process are registered here and scrubbed from anything printed or written.
// Besides the registered values, anything shaped like a credential is scrubbed too: bearer tokens,
// Authorization headers, JWTs, and password/token fields in JSON, forms and query strings.
const secrets = new Set<string>();
let ordered: string[] = [];

export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 4 || secrets.has(value)) return;
  secrets.add(value);
  // longest first, so a secret containing another is replaced whole
  ordered = [...secrets].sort((a, b) => b.length - a.length);
}

const BEARER = /(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi;
const AUTH_HEADER = /("?authorization"?\s*[:=]\s*"?)[^"\n,}]+/gi;
// header.payload.signature, each base64url; the header of a JWT always starts with {" → eyJ
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
// "password": "...", "token": "..." (JSON, YAML-ish) and password=... (forms, query strings)
const JSON_FIELD = /("(?:password|passwd|token|access_token|jwt)"\s*:\s*")((?:[^"\\]|\\.)*)(")/gi;
const FORM_FIELD = /(\b(?:password|passwd|access_token|jwt)=)[^&\s"']+/gi;

function variants(s: string): string[] {
  const out = [s];
  const enc = encodeURIComponent(s);
  if (enc !== s) out.push(enc);
  const json = JSON.stringify(s).slice(1, -1);
  if (json !== s) out.push(json);
  const form = new URLSearchParams({ x: s }).toString().slice(2);
  if (form !== s && form !== enc) out.push(form);
  return out;
}

export function redact(text: string): string {
  let out = String(text);
  for (const s of ordered) {
    for (const v of variants(s)) {
      if (out.includes(v)) out = out.split(v).join('[REDACTED]');
    }
  }
  return out
    .replace(BEARER, '$1[REDACTED]')
    .replace(AUTH_HEADER, '$1[REDACTED]')
    .replace(JWT, '[REDACTED]')
    .replace(JSON_FIELD, '$1[REDACTED]$3')
    .replace(FORM_FIELD, '$1[REDACTED]');
}

/** `text` cut to at most `max` characters (`mark` ending a cut one), redacted first: a secret that straddles the
 * cut is replaced whole, never shown in part. Every place that cuts a message uses this. */
export function redactAndCut(text: string, max: number, mark = '…'): string {
  const r = redact(text);
  return r.length > max ? r.slice(0, Math.max(0, max - mark.length)) + mark : r;
}
