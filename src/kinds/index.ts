// The five kinds, in apply order. The order between kinds is plain data, kept here.
//
//   SensorProfile ──▶ CentralizedPolicy ──▶ RuntimePolicy ──▶ Exception ──▶ SecretRule
//   (creates/updates run left to right; deletes right to left)
//
// No kind refers to another kind's objects by id in our declarations: sensor profiles point at registries and
// sensors, centralized policies at tags and clusters, exceptions at a QID list — none of them managed here.
// So every `dependsOn` is empty and the order above only makes runs deterministic and readable: the
// infrastructure-level objects (sensor profiles) first, then the policies that act on images, then the
// exceptions to those policies, then the account-wide secret-rule settings.
import type { KindName } from '../types.js';
import type { Kind } from './types.js';
import { sensorProfile } from './sensor-profile.js';
import { centralizedPolicy } from './centralized-policy.js';
import { runtimePolicy } from './runtime-policy.js';
import { exception } from './exception.js';
import { secretRule } from './secret-rule.js';

export const KINDS: readonly Kind[] = [sensorProfile, centralizedPolicy, runtimePolicy, exception, secretRule];

const BY_NAME = new Map<string, Kind>(KINDS.map((k) => [k.kind, k]));

/** The kind module for a kind name (exact, e.g. `Exception`); undefined for an unknown name. */
export function kindByName(name: string): Kind | undefined {
  return BY_NAME.get(name as KindName);
}

export { sensorProfile, centralizedPolicy, runtimePolicy, exception, secretRule };
