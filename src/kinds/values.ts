// Enum values, classified by what the release notes say of them (GUIDE: "Open where the notes are open"):
// - closed: the notes list the valid values (the 1.7 runtime rule types, where "execution was removed"; secret-rule
//   severity and status): a value outside them is an error;
// - known: the notes print examples only (policy types and modes, exception reasons and scopes, rule actions and
//   kinds): a value outside the known set is an error with a did-you-mean, unless the project file accepts it
//   (`acceptValues: { "Exception.reason": [COMPENSATING_CONTROL] }`): the reviewable escape hatch for a value
//   Qualys adds before we do;
// - open: the notes say a value is new, or print one of evidently many (`entityAssignmentType`: "A new value,
//   "DYNAMIC", is now available"; the centralized rule `type`): any upper-case token is accepted, with a warning
//   naming the known ones and a did-you-mean when one is close.
// Each member's evidence is in docs/api-assumptions.md ("Values"). Values are compared case- and
// separator-insensitively (`network inbound` = `NETWORK_INBOUND`).
import { suggest } from '../declarations/messages.js';
import type { CheckIssue } from './types.js';

export type ValueClass = 'closed' | 'known' | 'open';

export interface ValueSet {
  /** `Kind.field` (the key of `acceptValues` in the project file), e.g. `Exception.reason`. */
  key: string;
  class: ValueClass;
  values: readonly string[];
  /** Spaces and `-` read as `_` (only where the notes print several spellings: `network inbound`/`network_inbound`). */
  separators?: boolean;
}

/** `network inbound`, `network-inbound`, `Network_Inbound` → `NETWORK_INBOUND`. */
export function normToken(v: string): string {
  return v.trim().toUpperCase().replace(/[\s-]+/g, '_');
}

const set = (key: string, cls: ValueClass, values: readonly string[], separators = false): ValueSet => ({ key, class: cls, values, separators });

/** A value as compared: trimmed, upper case (and separators as `_` where the set says so). */
export function normValue(s: ValueSet, raw: string): string {
  return s.separators ? normToken(raw) : raw.trim().toUpperCase();
}

/** Every classified enum of the kinds (docs/api-assumptions.md, "Values", gives each member's evidence). */
export const VALUE_SETS: Readonly<Record<string, ValueSet>> = Object.fromEntries(
  [
    set('CentralizedPolicy.policyType', 'known', ['K8S_ADMISSION_CONTROLLER', 'CICD']),
    set('CentralizedPolicy.policyMode', 'known', ['ACTIVE', 'INACTIVE']),
    set('CentralizedPolicy.rule.type', 'open', ['IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES']),
    set('CentralizedPolicy.rule.action', 'known', ['FAIL', 'PASS', 'ALLOW']),
    set('CentralizedPolicy.rule.kind', 'known', ['IMAGE_SECURITY']),
    set('RuntimePolicy.policyMode', 'known', ['ACTIVE', 'INACTIVE', 'PERMISSIVE']),
    set('RuntimePolicy.defaultAction', 'known', ['ALLOW', 'DENY']),
    set('RuntimePolicy.rule.ruleType', 'closed', ['NETWORK_INBOUND', 'NETWORK_OUTBOUND', 'READ', 'WRITE', 'SYSCALL'], true),
    set('RuntimePolicy.rule.action', 'known', ['DENY', 'ALLOW']),
    set('Exception.scope', 'known', ['IMAGE', 'CONTAINER']),
    set('Exception.reason', 'known', ['RISK_ACCEPTED', 'FALSE_POSITIVE', 'COMPENSATING_CONTROL', 'OTHER']),
    set('Exception.exceptionType', 'known', ['VULNERABILITY']),
    set('Exception.entityAssignmentType', 'open', ['DYNAMIC']),
    set('SecretRule.status', 'closed', ['ACTIVE', 'INACTIVE']),
    set('SecretRule.severity', 'closed', ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  ].map((s) => [s.key, s]),
);

/** True when the words of one (split at `_`) are all words of the other (`IMAGESCAN_VULN_OLDER_IMAGES` and
 * `IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES`): a likely meant value that an edit distance misses. */
function sameWords(a: string, b: string): boolean {
  const wa = a.split('_').filter(Boolean);
  const wb = b.split('_').filter(Boolean);
  if (wa.length < 2 || wb.length < 2) return false;
  const within = (x: string[], y: string[]) => x.every((w) => y.includes(w));
  return within(wa, wb) || within(wb, wa);
}

/** An upper-case token (what an open set accepts): letters, digits and `_`, after normalization. */
const TOKEN = /^[A-Z][A-Z0-9_]*$/;

/** The problem with `raw` as a value of the set `key` at `path` (relative to spec); undefined when it is fine. */
export function checkValue(key: string, raw: unknown, path: CheckIssue['path']): CheckIssue | undefined {
  const s = VALUE_SETS[key];
  if (!s || typeof raw !== 'string') return undefined;
  const v = normValue(s, raw);
  if (s.values.includes(v)) return undefined;
  const guess = suggest(v, s.values) ?? s.values.find((k) => v.length >= 3 && (k.includes(v) || v.includes(k))) ?? s.values.find((k) => sameWords(v, k));
  const hint = guess ? ` — did you mean '${guess}'?` : '';
  const shown = raw.length > 60 ? `${raw.slice(0, 57)}…` : raw; // a value is quoted, never echoed whole
  const last = path[path.length - 1];
  const field = typeof last === 'string' ? last : key.slice(key.lastIndexOf('.') + 1);
  if (s.class === 'closed') {
    return { path, message: `${field} "${shown}" is not valid${hint}; the valid values are ${s.values.join(', ')}` };
  }
  if (s.class === 'open') {
    if (!TOKEN.test(v)) return { path, message: `${field} "${shown}" is not an upper-case token (letters, digits and _, such as ${s.values[0]})${hint}` };
    return { path, severity: 'warning', message: `${field} "${shown}" is not one the release notes name (${s.values.join(', ')})${hint}; it is sent as written, and Qualys may refuse it` };
  }
  return {
    path,
    message: `${field} "${shown}" is not a known value${hint} (known: ${s.values.join(', ')}); if Qualys accepts it, accept it in qcs-gitops.yaml: acceptValues: { "${key}": [${v.length > 60 ? `${v.slice(0, 57)}…` : v}] }`,
    accept: { key, value: v },
  };
}
