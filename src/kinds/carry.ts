// What a write carries (GUIDE: "Never invent"): a create sends the declared fields only; an update sends the live
// object's details — every field, keys no kind knows included, server-managed ones excepted as the notes' request
// samples show — with the fields the declaration changes replaced, each in the form the user wrote it.
import { sameValue } from '../json.js';
import { type Obj, upper } from './coerce.js';

/** A copy of the live object without the keys in `drop` (server-managed ids, timestamps, counts, authorship). */
export function carried(live: Obj, drop: readonly string[]): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(live)) if (v !== undefined && !drop.includes(k)) out[k] = v;
  return out;
}

/** The canonical keys whose desired value differs from the live one (what an update changes). */
export function changedKeys(keys: readonly string[], desired: Obj, have: Obj): string[] {
  return keys.filter((k) => !sameValue(desired[k], have[k]));
}

/** A value as the user wrote it when it reads as the canonical one (`deny` for `DENY`, `network inbound` for
 * `NETWORK_INBOUND`), else the canonical value. `norm` is the kind's normalization of the value. */
export function asWritten(written: unknown, canonical: unknown, norm: (v: unknown) => unknown = upper): unknown {
  if (typeof written === 'string' && canonical !== undefined && norm(written) === canonical) return written;
  return canonical;
}
