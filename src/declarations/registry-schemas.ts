// The schema files that enumerate kinds, generated from the kind registry (KINDS): the envelope's
// `$defs.kind.enum`, the `declaration.schema.json` dispatch, and the kind enum of a plan's changes in
// `plan.schema.json`. They stay plain JSON Schema files in schemas/
// (editors read them); `npm run build` rewrites them from KINDS, CI fails when the committed ones are stale,
// and compileSchemas refuses files that disagree with KINDS (see registryMismatches in ./schemas.ts).
import type { Kind } from '../kinds/types.js';
import { DECLARATION_SCHEMA as DISPATCH_FILE, ENVELOPE_SCHEMA as ENVELOPE_FILE } from './schemas.js';

export { DISPATCH_FILE, ENVELOPE_FILE };
export const PLAN_FILE = 'plan.schema.json';

const KIND_ENUM = /("kind":\s*\{[^{}]*?"enum":\s*)\[[^\]]*\]/;

/** `names` in the order `before` lists them, then the new ones in registry order: a new kind is appended, and
 * the order users read in messages ("must be one of: …") does not move. */
export function stableOrder(names: readonly string[], before: readonly unknown[]): string[] {
  return [...before.filter((n): n is string => typeof n === 'string' && names.includes(n)), ...names.filter((n) => !before.includes(n))];
}

/** The envelope's text with `$defs.kind.enum` listing `names` (everything else as it is). */
export function envelopeText(current: string, names: readonly string[]): string {
  return kindEnumText(ENVELOPE_FILE, current, names);
}

/** A schema's text with its first `"kind": { …, "enum": [ … ] }` listing `names` (everything else as it is). */
function kindEnumText(file: string, current: string, names: readonly string[]): string {
  const m = KIND_ENUM.exec(current);
  if (!m) throw new Error(`${file} has no "kind": { …, "enum": [ … ] } definition to fill in`);
  const before = JSON.parse(m[0].slice(m[1]!.length)) as unknown[];
  return current.replace(KIND_ENUM, (_m, head: string) => `${head}[${stableOrder(names, before).map((n) => JSON.stringify(n)).join(', ')}]`);
}

/** The kinds `declaration.schema.json` dispatches to, in its order (none when the text is absent or unreadable). */
function dispatchedKinds(current: string | undefined): string[] {
  try {
    const allOf = (JSON.parse(current ?? '{}') as { allOf?: Array<{ if?: { properties?: { kind?: { const?: unknown } } } }> }).allOf ?? [];
    return allOf.map((b) => b.if?.properties?.kind?.const).filter((k): k is string => typeof k === 'string');
  } catch {
    return [];
  }
}

/** The whole text of declaration.schema.json: the envelope, plus one if/then branch a kind. */
export function dispatchText(kinds: readonly Pick<Kind, 'kind' | 'schemaFile'>[], current?: string): string {
  const order = stableOrder(
    kinds.map((k) => k.kind),
    dispatchedKinds(current),
  );
  const branches = order.map((name) => kinds.find((k) => k.kind === name)!).map(
    (k) =>
      `    {\n      "if": { "properties": { "kind": { "const": ${JSON.stringify(k.kind)} } }, "required": ["kind"] },\n      "then": { "$ref": ${JSON.stringify(k.schemaFile)} }\n    }`,
  );
  return `{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "${DISPATCH_FILE}",
  "title": "qcs-gitops declaration",
  "description": "Any qcs-gitops declaration: the envelope, plus the spec of the kind named by \`kind\`. Use this schema for files that mix kinds.",
  "$comment": "Generated from the kind registry (src/kinds/index.ts) by npm run build: do not edit by hand; see docs/adding-a-kind.md.",
  "$ref": "${ENVELOPE_FILE}",
  "allOf": [
${branches.join(',\n')}
  ]
}
`;
}

/** What the generated files must hold, given their current texts (which keep their order of kinds); the plan
 * schema's when its text is given. */
export function registrySchemaTexts(kinds: readonly Pick<Kind, 'kind' | 'schemaFile'>[], envelopeNow: string, dispatchNow?: string, planNow?: string): Map<string, string> {
  const names = kinds.map((k) => k.kind);
  return new Map([
    [ENVELOPE_FILE, envelopeText(envelopeNow, names)],
    [DISPATCH_FILE, dispatchText(kinds, dispatchNow)],
    ...(planNow === undefined ? [] : [[PLAN_FILE, kindEnumText(PLAN_FILE, planNow, names)] as [string, string]]),
  ]);
}
