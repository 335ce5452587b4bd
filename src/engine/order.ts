// Apply order between kinds, kept as plain data (the model is decK's pkg/diff/order.go).
//
//   SensorProfile ──┐
//   CentralizedPolicy ──┤   creates and updates run top to bottom,
//   RuntimePolicy ──┤   each kind after the kinds it depends on;
//   Exception ──┤   deletes run bottom to top.
//   SecretRule ──┘
//
// The order itself comes from each kind's `dependsOn` (a topological sort); kinds with no dependency
// between them keep the order of the registry (src/kinds/index.ts).
import type { Kind } from '../kinds/types.js';
import type { KindName } from '../types.js';

export function applyOrder(kinds: readonly Kind[]): KindName[] {
  const byName = new Map(kinds.map((k) => [k.kind, k]));
  const done = new Set<KindName>();
  const visiting = new Set<KindName>();
  const out: KindName[] = [];
  const visit = (name: KindName, trail: KindName[]): void => {
    if (done.has(name)) return;
    if (visiting.has(name)) throw new Error(`dependency cycle between kinds: ${[...trail, name].join(' → ')}`);
    visiting.add(name);
    for (const dep of byName.get(name)?.dependsOn ?? []) if (byName.has(dep)) visit(dep, [...trail, name]);
    visiting.delete(name);
    done.add(name);
    out.push(name);
  };
  for (const k of kinds) visit(k.kind, []);
  return out;
}

/** Kinds that (directly or not) depend on `name`. */
export function dependentsOf(kinds: readonly Kind[], name: KindName): Set<KindName> {
  const out = new Set<KindName>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const k of kinds) {
      if (out.has(k.kind)) continue;
      if (k.dependsOn.some((d) => d === name || out.has(d))) {
        out.add(k.kind);
        grew = true;
      }
    }
  }
  return out;
}
