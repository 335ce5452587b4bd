// The contract suite's helpers: declarations built from the release-notes samples, the built CLI run against an
// in-process simulator on 127.0.0.1, and field-by-field comparison of the simulator's stored objects.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments, stringify } from 'yaml';
import type { KindName } from '../../src/types.js';
import { KINDS } from '../../src/kinds/index.js';
import type { SimulatorHandle } from '../../src/simulator/index.js';
import { runCli, type CliResult } from '../helpers/cli.js';

type Json = Record<string, any>;

export const SAMPLES = fileURLToPath(new URL('../fixtures/api-samples/', import.meta.url));

/** A sample as printed in the release notes (test/fixtures/api-samples/<kind>/<file>, a copy of shared/api/samples). */
export function sample<T = any>(rel: string): T {
  return JSON.parse(readFileSync(join(SAMPLES, rel), 'utf8')) as T;
}

/** Every `*.request.json` sample, as `<kind folder>/<file>`. */
export function requestSamples(): string[] {
  return readdirSync(SAMPLES, { recursive: true, encoding: 'utf8' })
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => f.endsWith('.request.json'))
    .sort();
}

/** The field that names an object of each kind in the API (moved to metadata.name in a declaration). */
export const NAME_FIELD: Record<KindName, string | null> = {
  CentralizedPolicy: 'policyName',
  RuntimePolicy: 'name',
  Exception: 'name',
  SensorProfile: 'profileName',
  SecretRule: null,
  ReportSchedule: 'name',
};

/** Fields the server manages: never part of a declaration. */
export const SERVER_FIELDS = ['uuid', 'createdBy', 'created', 'updatedBy', 'updated', 'version', 'hasDeprecatedRulesPresent'];
/** Server-managed fields of the other kinds' read forms (ids and counts). */
const READ_ONLY_FIELDS = ['exceptionId', 'profileId', 'id', 'associatedSensorsCount', 'associatedRegistriesCount', 'ruleUuid', 'type', 'category', 'secretDetector', 'regex', 'keywords', 'groupName'];

/** The sample folder of each kind: its schema file's name (`centralized-policy`, `report-schedule`). */
export const KIND_OF_FOLDER: Record<string, KindName> = Object.fromEntries(KINDS.map((k) => [k.schemaFile.replace(/\.schema\.json$/, ''), k.kind]));

export interface Declaration {
  apiVersion: 'qcs-gitops/v1';
  kind: KindName;
  metadata: { name: string };
  spec: Json;
}

/** A declaration from an API body: the name field moved to metadata.name, server-managed fields dropped. */
export function declarationFrom(kind: KindName, body: Json, name?: string, dropReadOnly = false): Declaration {
  const spec: Json = structuredClone(body);
  const nameField = NAME_FIELD[kind];
  const n = name ?? (nameField ? spec[nameField] : undefined);
  if (typeof n !== 'string') throw new Error(`no name for a ${kind} declaration`);
  if (nameField) delete spec[nameField];
  for (const f of SERVER_FIELDS) delete spec[f];
  if (dropReadOnly) for (const f of READ_ONLY_FIELDS) delete spec[f];
  return { apiVersion: 'qcs-gitops/v1', kind, metadata: { name: n }, spec };
}

const RULE_SERVER_FIELDS = ['ID', 'DateCreated', 'DateUpdated'];
const CAMEL: Record<string, string> = {
  Name: 'name', InActive: 'inactive', RuleType: 'ruleType', Program: 'program', Action: 'action', File: 'file', Port: 'port',
  IpAddress: 'ipAddress', Syscall: 'syscall', SyscallGroup: 'syscallGroup', Arg1: 'arg1', Arg2: 'arg2', Arg3: 'arg3', ID: 'id',
};

export const RULE_SAMPLES = ['rule-network_inbound', 'rule-network_outbound', 'rule-read', 'rule-write'].map((f) => `runtime-policy/${f}.v1.2.json`);

/** A v1.2 rule sample with its keys in the v1.3 camelCase form (values as printed); `keepId` keeps its id. */
export function camelRule(rule: Json, keepId = false): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(rule)) {
    if (k === 'DateCreated' || k === 'DateUpdated') continue;
    if (k === 'ID' && !keepId) continue;
    out[CAMEL[k] ?? k] = v;
  }
  return out;
}

/** A v1.2 rule sample without its server-managed fields (ID, DateCreated, DateUpdated), PascalCase kept. */
export function pascalRule(rule: Json): Json {
  return Object.fromEntries(Object.entries(rule).filter(([k]) => !RULE_SERVER_FIELDS.includes(k)));
}

/** A fresh folder holding the declarations, one file. */
export function writeDeclarations(decls: Declaration[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'qcs-contract-'));
  mkdirSync(join(dir, 'decl'));
  writeFileSync(join(dir, 'decl', 'objects.yaml'), decls.map((d) => stringify(d, { lineWidth: 0 })).join('---\n'));
  return join(dir, 'decl');
}

/** Removes a folder made by writeDeclarations or exportAccount, with the temporary folder around it. */
export function removeDir(dir: string): void {
  rmSync(dirname(dir), { recursive: true, force: true });
}

export function cliEnvFor(sim: SimulatorHandle): Record<string, string> {
  return { QUALYS_GATEWAY_URL: sim.url, QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password };
}

export interface JsonPlan {
  changes: Array<{ kind: KindName; name: string; action: string; id: string | null; patch?: unknown[] }>;
  summary: { create: number; update: number; delete: number; unchanged: number };
}

/** `plan --format json` through the built CLI; throws with the CLI's output when it does not answer a plan. */
export async function plan(sim: SimulatorHandle, dir: string, extra: string[] = []): Promise<{ plan: JsonPlan; result: CliResult }> {
  const result = await runCli(['plan', dir, '--format', 'json', ...extra], cliEnvFor(sim));
  let parsed: JsonPlan;
  try {
    parsed = JSON.parse(result.stdout) as JsonPlan;
  } catch {
    throw new Error(`plan answered no JSON plan (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
  return { plan: parsed, result };
}

/** Changes of a plan other than no-ops, as `action kind/name`. */
export function changesOf(p: JsonPlan): string[] {
  return p.changes.filter((c) => ['create', 'update', 'delete'].includes(c.action)).map((c) => `${c.action} ${c.kind}/${c.name}`);
}

export const validate = (dir: string): Promise<CliResult> => runCli(['validate', dir]);
export const apply = (sim: SimulatorHandle, dir: string): Promise<CliResult> => runCli(['apply', dir, '--auto-approve'], cliEnvFor(sim));

/** `export --out` into a fresh folder; returns it. */
export async function exportAccount(sim: SimulatorHandle, extra: string[] = []): Promise<{ dir: string; result: CliResult }> {
  const dir = join(mkdtempSync(join(tmpdir(), 'qcs-contract-export-')), 'out');
  const result = await runCli(['export', '--out', dir, ...extra], cliEnvFor(sim));
  return { dir, result };
}

/** The YAML files of an exported folder, by path relative to it. */
export function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => f.replaceAll('\\', '/'))
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
}

/**
 * Edits the spec of the declaration `kind`/`name` somewhere under `dir` in place (`edit` gets the spec as plain
 * data and returns the new spec); throws when no file declares it.
 */
export function editDeclaration(dir: string, kind: KindName, name: string, edit: (spec: Json) => Json): void {
  for (const f of yamlFiles(dir)) {
    const path = join(dir, f);
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    let hit = false;
    const out = (Array.isArray(docs) ? docs : [docs]).map((d) => {
      const o = d.toJS() as Json;
      if (o?.kind === kind && o?.metadata?.name === name) {
        hit = true;
        o.spec = edit(structuredClone(o.spec ?? {}));
      }
      return o;
    });
    if (hit) {
      writeFileSync(path, out.map((o) => stringify(o, { lineWidth: 0 })).join('---\n'));
      return;
    }
  }
  throw new Error(`no exported declaration of ${kind}/${name} under ${dir}`);
}

/** Fields the server moves on every update. */
export const MOVING_FIELDS = ['updated', 'updatedBy', 'version', 'updatedAt'];

/**
 * The top-level fields of a stored object that differ between `before` and `after`, other than `allowed`, as
 * `field: before → after` lines (deep comparison: rules with their ids and syscallGroup, qids, tagIds, …).
 */
export function changedFields(before: Json, after: Json, allowed: string[]): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys
    .filter((k) => !allowed.includes(k) && !isDeepStrictEqual(before[k], after[k]))
    .map((k) => `${k}: ${k in before ? JSON.stringify(before[k]) : '(absent)'} → ${k in after ? JSON.stringify(after[k]) : '(absent)'}`);
}
