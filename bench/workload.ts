// The benchmark account for one size: declarations (YAML, as a user would write them) and the matching live
// objects (the simulator seed, in the API's read representation), so that the unchanged plan is empty; plus a
// "changed" copy of the declarations with 5% of the objects changed (updates, creates, deletes, secret-rule
// status flips) and the plan summary it must produce. Deterministic: the same size gives the same files.
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { builtinSecretRules } from '../src/simulator/secret-rules-builtin.js';
import type { SeedAccount } from '../src/simulator/types.js';

type Obj = Record<string, unknown>;

export interface Mix {
  exceptions: number;
  centralizedPolicies: number;
  runtimePolicies: number;
  sensorProfiles: number;
  secretRules: number;
}

export interface ExpectedSummary {
  create: number;
  update: number;
  delete: number;
}

export interface Workload {
  size: number;
  mix: Mix;
  /** Declarations matching the seed (plan must be empty). */
  baseDir: string;
  /** Declarations with 5% of the objects changed. */
  changedDir: string;
  seedFile: string;
  /** What the plan of changedDir must hold. */
  expected: ExpectedSummary;
  /** Secret-rule status flips in the changed set, by target status (the bulk calls they need). */
  secretFlips: Record<string, number>;
  /** Updates the apply reads in detail first (their plan read list items only). */
  updateReads: number;
  declarations: number;
}

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const END = Date.UTC(2026, 11, 31);
const DOCS_PER_FILE = 100;

/** A stable UUID-looking id from a label. */
function uuidOf(label: string): string {
  const h = createHash('sha1').update(label).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function pad(i: number): string {
  return String(i).padStart(5, '0');
}

/** How `size` objects split between the kinds: mostly exceptions. */
export function mixFor(size: number): Mix {
  const secretRules = Math.min(builtinSecretRules().length, Math.max(5, Math.round(size * 0.05)));
  const sensorProfiles = Math.max(1, Math.round(size * 0.01));
  const centralizedPolicies = Math.max(2, Math.round(size * 0.02));
  const runtimePolicies = Math.max(2, Math.round(size * 0.03));
  const exceptions = size - secretRules - sensorProfiles - centralizedPolicies - runtimePolicies;
  return { exceptions, centralizedPolicies, runtimePolicies, sensorProfiles, secretRules };
}

// ---- one object of each kind: the declaration spec and its live (read) form -------------------------

const REASONS = ['RISK_ACCEPTED', 'FALSE_POSITIVE', 'COMPENSATING_CONTROL'];

function exceptionOf(i: number): { name: string; spec: Obj; live: Obj } {
  const name = `exc-${pad(i)}`;
  const dynamic = i % 3 === 0;
  const reason = REASONS[i % REASONS.length]!;
  const scope = i % 2 === 0 ? 'IMAGE' : 'CONTAINER';
  const explanation = `Benchmark exception ${i}: reviewed by the platform team.`;
  const listId = i % 4 === 0 ? uuidOf(`list-${i % 16}`) : undefined;
  const spec: Obj = { scope, exceptionType: 'VULNERABILITY', reason, explanation };
  if (listId) spec.listId = listId;
  spec.startDate = '2026-01-01';
  spec.endDate = '2026-12-31';
  const live: Obj = {
    name, explanation, reason, scope, exceptionType: 'VULNERABILITY', listId: listId ?? null,
    startDate: String(START), endDate: String(END),
  };
  if (dynamic) {
    const filter = `repo.repository:team${i % 50}/app${i}`;
    Object.assign(spec, { entityAssignmentType: 'DYNAMIC', dynamicFilter: filter });
    Object.assign(live, { entityAssignmentType: 'DYNAMIC', dynamicFilter: filter }); // qids: the server's
  } else {
    const qids = [90000 + ((i * 7) % 1000), 376000 + (i % 500), 379000 + ((i * 13) % 997)].sort((a, b) => a - b);
    Object.assign(spec, { qids });
    Object.assign(live, { dynamicFilter: null, qids });
  }
  return { name, spec, live };
}

function centralizedOf(i: number): { name: string; spec: Obj; live: Obj } {
  const name = `cp-${pad(i)}`;
  const cicd = i % 2 === 1;
  const rule = { name: 'Block Older Images', type: 'IMAGESCAN_VULN_RESTRICTED_OLDER_IMAGES', kind: 'IMAGE_SECURITY', action: 'FAIL', isEnabled: true, stopProcessing: false, sortOrder: 0, metaData: { value: 30 + (i % 300) } };
  const description = `Benchmark centralized policy ${i}`;
  const spec: Obj = { policyType: cicd ? 'CICD' : 'K8S_ADMISSION_CONTROLLER', policyMode: 'ACTIVE', description, centralizedPolicyRules: [rule] };
  const live: Obj = { policyName: name, policyType: spec.policyType, policyMode: 'ACTIVE', description, centralizedPolicyRules: [{ ...rule, metaData: JSON.stringify(rule.metaData) }], exclusionPolicyRules: [] };
  if (cicd) {
    spec.tagIds = [100000 + i];
    live.tagIds = [String(100000 + i)];
    live.k8sFilters = [];
  } else {
    const cluster = { clusterUid: uuidOf(`cluster-${i % 20}`), clusterName: `cluster-${i % 20}` };
    spec.k8sFilters = [{ cluster }];
    live.tagIds = null;
    live.k8sFilters = [{ cluster, namespace: null }];
  }
  return { name, spec, live };
}

function runtimeOf(i: number): { name: string; spec: Obj; live: Obj } {
  const name = `rp-${pad(i)}`;
  const description = `Benchmark runtime policy ${i}`;
  const rules = [
    { name: 'Deny cat on passwd', ruleType: 'READ', action: 'DENY', program: '/bin/cat', file: '/etc/passwd' },
    { name: 'Deny outbound SSH', ruleType: 'NETWORK_OUTBOUND', action: 'DENY', program: '*', ipAddress: '0.0.0.0/0', port: 22 },
    { name: 'No ptrace', ruleType: 'SYSCALL', action: 'DENY', program: '*', syscall: 'ptrace' },
  ];
  const spec: Obj = { description, policyMode: 'ACTIVE', defaultNetworkAction: 'ALLOW', defaultExecuteAction: 'ALLOW', defaultFileAction: 'DENY', ignoredSyscalls: ['futex'], rules };
  const live: Obj = { name, ...spec };
  return { name, spec, live };
}

function sensorProfileOf(i: number): { name: string; spec: Obj; live: Obj } {
  const name = `sp-${pad(i)}`;
  const description = `Benchmark sensor profile ${i}`;
  const registries = [uuidOf(`registry-${i}-a`), uuidOf(`registry-${i}-b`)].sort();
  const sensors = [uuidOf(`sensor-${i}`)];
  const spec: Obj = { description, profileType: 'Registry', associatedRegistryIds: registries, associatedSensorIds: sensors };
  const live: Obj = { profileName: name, description, profileType: 'Registry', associatedRegistryIds: registries, associatedSensorIds: sensors };
  return { name, spec, live };
}

// ---- files ---------------------------------------------------------------------------------------

interface Decl {
  kind: string;
  name: string;
  spec: Obj;
}

function writeDeclarations(dir: string, decls: Decl[]): void {
  rmSync(dir, { recursive: true, force: true });
  const byKind = new Map<string, Decl[]>();
  for (const d of decls) {
    const list = byKind.get(d.kind) ?? [];
    list.push(d);
    byKind.set(d.kind, list);
  }
  for (const [kind, list] of byKind) {
    const sub = join(dir, kind.toLowerCase());
    mkdirSync(sub, { recursive: true });
    for (let f = 0; f * DOCS_PER_FILE < list.length; f++) {
      const docs = list.slice(f * DOCS_PER_FILE, (f + 1) * DOCS_PER_FILE);
      const text = docs.map((d) => stringify({ apiVersion: 'qcs-gitops/v1', kind: d.kind, metadata: { name: d.name }, spec: d.spec }, { lineWidth: 0 })).join('---\n');
      writeFileSync(join(sub, `${kind.toLowerCase()}-${String(f + 1).padStart(4, '0')}.yaml`), text);
    }
  }
}

/** Builds and writes the workload of `size` objects under `root`. */
export function buildWorkload(root: string, size: number): Workload {
  const mix = mixFor(size);
  if (mix.exceptions < 4) throw new Error(`size ${size} is too small for the benchmark mix (at least 20 objects)`);
  const seed: SeedAccount = { exceptions: [], centralizedPolicies: [], runtimePolicies: [], sensorProfiles: [], secretRules: [] };
  const base: Decl[] = [];

  const exc = Array.from({ length: mix.exceptions }, (_, i) => exceptionOf(i));
  const cps = Array.from({ length: mix.centralizedPolicies }, (_, i) => centralizedOf(i));
  const rps = Array.from({ length: mix.runtimePolicies }, (_, i) => runtimeOf(i));
  const sps = Array.from({ length: mix.sensorProfiles }, (_, i) => sensorProfileOf(i));
  for (const o of exc) {
    seed.exceptions!.push(o.live);
    base.push({ kind: 'Exception', name: o.name, spec: o.spec });
  }
  for (const o of cps) {
    seed.centralizedPolicies!.push(o.live);
    base.push({ kind: 'CentralizedPolicy', name: o.name, spec: o.spec });
  }
  for (const o of rps) {
    seed.runtimePolicies!.push(o.live);
    base.push({ kind: 'RuntimePolicy', name: o.name, spec: o.spec });
  }
  for (const o of sps) {
    seed.sensorProfiles!.push(o.live);
    base.push({ kind: 'SensorProfile', name: o.name, spec: o.spec });
  }
  // Secret rules: the first N built-in rules, declared as they are; every other one switched off in the seed.
  const rules = builtinSecretRules().slice(0, mix.secretRules);
  rules.forEach((r, i) => {
    const status = i % 2 === 1 ? 'Inactive' : (r.status as string);
    if (status !== r.status) seed.secretRules!.push({ ruleUuid: r.ruleUuid, status });
    base.push({ kind: 'SecretRule', name: r.secretDetector as string, spec: { status, severity: r.severity } });
  });

  // ---- 5% changed ----
  const changes = Math.max(1, Math.round(size * 0.05));
  const changed: Decl[] = base.map((d) => ({ ...d, spec: structuredClone(d.spec) }));
  const index = new Map(changed.map((d) => [`${d.kind}/${d.name}`, d]));
  const find = (kind: string, name: string) => index.get(`${kind}/${name}`)!;
  let update = 0;
  const secretFlips: Record<string, number> = {};
  const flips = Math.min(mix.secretRules, Math.max(1, Math.round(changes * 0.1)));
  for (let i = 0; i < flips; i++) {
    const d = find('SecretRule', rules[i]!.secretDetector as string);
    d.spec.status = d.spec.status === 'Active' ? 'Inactive' : 'Active';
    secretFlips[d.spec.status as string] = (secretFlips[d.spec.status as string] ?? 0) + 1;
    update++;
  }
  const perKind = (n: number) => Math.round(n * 0.05);
  for (let i = 0; i < perKind(mix.sensorProfiles); i++, update++) find('SensorProfile', sps[i]!.name).spec.description += ' (changed)';
  for (let i = 0; i < perKind(mix.centralizedPolicies); i++, update++) {
    const rule = (find('CentralizedPolicy', cps[i]!.name).spec.centralizedPolicyRules as Obj[])[0]!;
    (rule.metaData as Obj).value = ((rule.metaData as Obj).value as number) + 1;
  }
  for (let i = 0; i < perKind(mix.runtimePolicies); i++, update++) {
    const rules = find('RuntimePolicy', rps[i]!.name).spec.rules as Obj[];
    rules[0]!.action = 'ALLOW';
  }
  const left = Math.max(3, changes - update);
  const creates = Math.max(1, Math.round(left * 0.15));
  const deletes = Math.max(1, Math.round(left * 0.15));
  const excUpdates = left - creates - deletes;
  const kept = mix.exceptions - deletes;
  for (let i = 0; i < excUpdates; i++, update++) {
    // spread over the list (not only the first page)
    const d = find('Exception', exc[Math.floor((i * kept) / excUpdates)]!.name);
    if (i % 2 === 0) d.spec.explanation += ' Extended after review.';
    else d.spec.endDate = new Date(END + 30 * DAY).toISOString().slice(0, 10);
  }
  const gone = new Set(exc.slice(exc.length - deletes).map((o) => o.name));
  const final = changed.filter((d) => !(d.kind === 'Exception' && gone.has(d.name)));
  for (let i = 0; i < creates; i++) {
    const o = exceptionOf(mix.exceptions + 1000 + i);
    final.push({ kind: 'Exception', name: `exc-new-${pad(i)}`, spec: o.spec });
  }

  const dir = join(root, `size-${size}`);
  mkdirSync(dir, { recursive: true });
  const baseDir = join(dir, 'base');
  const changedDir = join(dir, 'changed');
  writeDeclarations(baseDir, base);
  writeDeclarations(changedDir, final);
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  return {
    size,
    mix,
    baseDir,
    changedDir,
    seedFile,
    expected: { create: creates, update, delete: deletes },
    secretFlips,
    // the updates whose plan read only list items (secret rules, exceptions): each is built on a detail GET
    updateReads: flips + excUpdates,
    declarations: base.length,
  };
}

// ---- issue 21: summaries first, details on demand ----------------------------------------------------

export interface ReadWorkload {
  /** The declarations (YAML files, one folder a kind). */
  dir: string;
  seedFile: string;
  /** The seed, as written to seedFile (an in-process simulator can take it as is). */
  seed: SeedAccount;
  declarations: number;
  /** Declared objects whose list item lacks a field their declaration manages: the detail reads a plan needs. */
  neededDetails: number;
  /** Live objects of the seed by kind (the system objects the simulator adds are not in it). */
  seeded: Record<string, number>;
}

/**
 * An account of `perKind` centralized policies, runtime policies and exceptions of which `declaredPerKind` of
 * each are declared (spread over the list pages), the others hand-made and undeclared. The policies' list items
 * lack their rules (which their declarations manage): each declared policy needs one detail read; exception
 * list items carry every field: none.
 */
export function buildSparseWorkload(root: string, perKind: number, declaredPerKind: number): ReadWorkload {
  const seed: SeedAccount = { exceptions: [], centralizedPolicies: [], runtimePolicies: [] };
  const decls: Decl[] = [];
  const step = Math.max(1, Math.floor(perKind / declaredPerKind));
  const declared = (i: number) => i % step === 0 && i / step < declaredPerKind;
  for (let i = 0; i < perKind; i++) {
    const e = exceptionOf(i);
    const c = centralizedOf(i);
    const r = runtimeOf(i);
    seed.exceptions!.push(e.live);
    seed.centralizedPolicies!.push(c.live);
    seed.runtimePolicies!.push(r.live);
    if (declared(i)) {
      decls.push({ kind: 'Exception', name: e.name, spec: e.spec });
      decls.push({ kind: 'CentralizedPolicy', name: c.name, spec: c.spec });
      decls.push({ kind: 'RuntimePolicy', name: r.name, spec: r.spec });
    }
  }
  const dir = join(root, `sparse-${perKind}`);
  mkdirSync(dir, { recursive: true });
  const declDir = join(dir, 'declarations');
  writeDeclarations(declDir, decls);
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  const n = decls.length / 3;
  return { dir: declDir, seedFile, seed, declarations: decls.length, neededDetails: 2 * n, seeded: { CentralizedPolicy: perKind, RuntimePolicy: perKind, Exception: perKind } };
}

/** A dynamic exception whose declaration leaves its qids out (not managed); the live one has qids (the server's). */
function qidlessExceptionOf(i: number): { name: string; spec: Obj; live: Obj } {
  const name = `exc-${pad(i)}`;
  const reason = REASONS[i % REASONS.length]!;
  const scope = i % 2 === 0 ? 'IMAGE' : 'CONTAINER';
  const explanation = `Benchmark exception ${i}: reviewed by the platform team.`;
  const dynamicFilter = `repo.repository:team${i % 50}/app${i}`;
  const spec: Obj = { scope, exceptionType: 'VULNERABILITY', reason, explanation, startDate: '2026-01-01', endDate: '2026-12-31', entityAssignmentType: 'DYNAMIC', dynamicFilter };
  const live: Obj = {
    name, explanation, reason, scope, exceptionType: 'VULNERABILITY', listId: null, startDate: String(START), endDate: String(END),
    entityAssignmentType: 'DYNAMIC', dynamicFilter, qids: [90000 + ((i * 7) % 1000), 376000 + (i % 500)].sort((a, b) => a - b),
  };
  return { name, spec, live };
}

/**
 * `count` declared dynamic exceptions that do not declare qids, live with qids. Run against a simulator whose
 * exception list leaves qids out (`--list-omit Exception.qids`), a plan needs no detail read: qids are not managed.
 */
export function buildQidlessWorkload(root: string, count: number): ReadWorkload {
  const seed: SeedAccount = { exceptions: [] };
  const decls: Decl[] = [];
  for (let i = 0; i < count; i++) {
    const e = qidlessExceptionOf(i);
    seed.exceptions!.push(e.live);
    decls.push({ kind: 'Exception', name: e.name, spec: e.spec });
  }
  const dir = join(root, `qidless-${count}`);
  mkdirSync(dir, { recursive: true });
  const declDir = join(dir, 'declarations');
  writeDeclarations(declDir, decls);
  const seedFile = join(dir, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(seed));
  return { dir: declDir, seedFile, seed, declarations: decls.length, neededDetails: 0, seeded: { Exception: count } };
}
