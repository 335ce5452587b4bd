// Registry — /v1.3/registry (1.17 names, GovCloud notes 003_…). Create (POST → `{registryUuid}`), update
// (PUT /{id}, "Returns the same registry ID"), details (GET /{id} → `{data: [item], count: 1}`) and validate
// (POST /validate, same body) are documented; the list and the delete are our assumption (docs/api-assumptions.md).
// An AWS registry's `arn` and `accountType`, and any credential, are accepted but never read back: they are
// write-only (never compared, sent on create, carried from the declaration on every update). The details read the
// AWS account and region flat (`awsAccountId`, `awsRegion`); the writes nest them under `aws`. Secrets are only
// ever `{ fromEnv: NAME }`: the value is read from the environment when a body is built, and registered for
// redaction at once. `aws.connector` names an AwsConnector (declared or live) whose ARN and account type are used.
import { QcsError, ApiError } from '../errors.js';
import { registerSecret } from '../redact.js';
import { suggest } from '../declarations/messages.js';
import { collection } from './collection.js';
import { defineKind } from './defaults.js';
import type { CheckIssue, RefContext } from './types.js';
import { arr, compact, isObj, optString, type Obj } from './coerce.js';
import { nameAgrees } from './spec.js';
import { accountOfArn, accountTypeOf, checkAccountType } from './aws-connector.js';
import { getOrUndefined, seg } from './requests.js';

const PATH = '/v1.3/registry';

export interface SecretRef {
  fromEnv: string;
}

export interface RegistrySpec {
  registryName?: string;
  registryType?: string;
  registryUri?: string;
  credentialType?: string;
  aws?: { accountId?: string; arn?: string; region?: string; accountType?: string; connector?: string };
  username?: string;
  password?: SecretRef | string;
  token?: SecretRef | string;
  /** The sensor profile this registry belongs to (by name): the declared profile includes it. */
  sensorProfile?: string;
}

/** Registry types the notes print (`AWS`: 003_…; `DockerHub`: 001_… registry list); the notes also name Azure and
 * GCP accounts ("whether AWS/Azure/GCP account ID exists"), so the list is open: another value is a warning. */
const KNOWN_TYPES = ['AWS', 'DockerHub', 'Azure', 'GCP'];
const SECRET_FIELDS = ['password', 'token'] as const;
/** Canonical keys never read back. */
const WRITE_ONLY = ['aws.arn', 'aws.accountType', 'credentialType', 'username', 'password', 'token'] as const;
/** Live keys a write never carries: the server's id, counts and times, and the flat read forms of `aws`. */
const NOT_CARRIED = new Set(['registryUuid', 'repoCount', 'totalImages', 'totalScannedImages', 'totalVulnerableImages', 'lastScanned', 'scheduleStatusList', 'created', 'updated', 'createdBy', 'updatedBy', 'awsAccountId', 'awsRegion']);

const GOV_REGION = /^us-gov-/i;

function uriOf(v: unknown): string | undefined {
  const s = optString(v);
  return s === undefined ? undefined : s.trim().replace(/\/+$/, '');
}

function awsOf(o: Obj): Obj {
  return isObj(o.aws) ? o.aws : {};
}

function secretRef(v: unknown): SecretRef | undefined {
  return isObj(v) && typeof v.fromEnv === 'string' ? { fromEnv: v.fromEnv } : undefined;
}

function canonicalSpec(spec: Obj): Record<string, unknown> {
  const aws = awsOf(spec);
  const awsRead = compact({ accountId: optString(aws.accountId), region: optString(aws.region) });
  return compact({
    registryType: optString(spec.registryType),
    registryUri: uriOf(spec.registryUri),
    aws: Object.keys(awsRead).length ? awsRead : undefined,
    'aws.arn': optString(aws.arn),
    // sent in the form the user wrote it (`US Gov` as the connector sample spells it); checked through accountTypeOf
    'aws.accountType': optString(aws.accountType),
    credentialType: optString(spec.credentialType),
    username: optString(spec.username),
    password: secretRef(spec.password),
    token: secretRef(spec.token),
  });
}

function canonicalLive(live: Obj): Record<string, unknown> {
  const aws = awsOf(live);
  const awsRead = compact({ accountId: optString(live.awsAccountId) ?? optString(aws.accountId), region: optString(live.awsRegion) ?? optString(aws.region) });
  return compact({
    registryType: optString(live.registryType),
    registryUri: uriOf(live.registryUri),
    aws: Object.keys(awsRead).length ? awsRead : undefined,
  });
}

/** A secret's value, read from the environment and registered for redaction the moment it is read. */
function secretValue(ref: unknown, field: string, name: string): string | undefined {
  const r = secretRef(ref);
  if (!r) return undefined;
  const value = process.env[r.fromEnv];
  if (value === undefined || value === '') {
    throw new QcsError('E_SECRET_ENV', `Registry/${name}: ${field} is read from the environment variable ${r.fromEnv}, which is not set`, { hint: `Set ${r.fromEnv} in the environment of the plan and the apply (a CI secret).` });
  }
  registerSecret(value);
  return value;
}

/** The body of a create, an update or a validate: the live object's own fields (not the server's counts and times),
 * then the desired ones in the API's write names. */
function body(name: string, desired: Obj, live?: Obj): Obj {
  const out: Obj = {};
  if (live) for (const [k, v] of Object.entries(live)) if (!NOT_CARRIED.has(k)) out[k] = v;
  out.registryName = name;
  for (const k of ['registryType', 'registryUri', 'credentialType', 'username'] as const) if (desired[k] !== undefined) out[k] = desired[k];
  const read = isObj(desired.aws) ? desired.aws : {};
  const aws = compact({ accountId: optString(read.accountId), arn: optString(desired['aws.arn']), region: optString(read.region), accountType: optString(desired['aws.accountType']) });
  if (Object.keys(aws).length) out.aws = { ...(isObj(out.aws) ? out.aws : {}), ...aws };
  for (const f of SECRET_FIELDS) {
    const v = secretValue(desired[f], f, name);
    if (v !== undefined) out[f] = v;
  }
  return out;
}

const idOf = (live: Obj) => optString(live.registryUuid) ?? '';
const rest = collection(PATH, { idOf, createdIdKeys: ['registryUuid', 'registryId', 'uuid', 'id'], what: 'create registry' });

/** The details answer `{data: [item], count: 1}`; a bare item is read as it is. */
async function getOne(api: Parameters<typeof rest.get>[0], id: string): Promise<Obj | undefined> {
  const res = await getOrUndefined<unknown>(api, `${PATH}/${seg(id)}`);
  if (!isObj(res)) return undefined;
  if (Array.isArray(res.data)) return res.data.find(isObj);
  return res;
}

/** The URI an ECR registry of this account and region has. */
export function ecrUri(accountId: string, region: string): string {
  return `https://${accountId}.dkr.ecr.${region}.amazonaws.com`;
}

/** The AWS checks once the account, region and account type are known (declared, or resolved from a connector). */
function awsIssues(spec: Obj, at: (string | number)[]): CheckIssue[] {
  const issues: CheckIssue[] = [];
  const aws = awsOf(spec);
  const accountId = optString(aws.accountId) ?? accountOfArn(aws.arn);
  const region = optString(aws.region);
  const uri = uriOf(spec.registryUri);
  if (accountId && region && uri && uri.toLowerCase() !== ecrUri(accountId, region).toLowerCase()) {
    issues.push({ path: ['registryUri'], message: `registryUri '${uri}' is not the ECR registry of account ${accountId} in ${region}: expected ${ecrUri(accountId, region)}` });
  }
  const type = accountTypeOf(aws.accountType);
  if (region && type === 'US_Gov' && !GOV_REGION.test(region)) issues.push({ path: [...at, 'region'], message: `region '${region}' is not a GovCloud region, but accountType is US_Gov ("Be sure to specify a GovCloud region when using accountType US_Gov", GovCloud notes)` });
  if (region && GOV_REGION.test(region) && type !== undefined && type !== 'US_Gov') issues.push({ path: [...at, 'accountType'], message: `region '${region}' is a GovCloud region: accountType must be US_Gov, not ${String(aws.accountType)}` });
  return issues;
}

/** `aws.connector` resolved against the declared, then the live AwsConnectors: the ARN, account and account type. */
function resolveConnector(spec: Obj, ctx: RefContext): { spec: Obj; issues: CheckIssue[] } {
  const aws = awsOf(spec);
  const name = optString(aws.connector);
  if (name === undefined) return { spec, issues: [] };
  const declared = ctx.declared('AwsConnector').find((d) => d.name === name);
  const live = ctx.live('AwsConnector').find((c) => isObj(c) && c.name === name) as Obj | undefined;
  const found = declared ? declared.spec : live;
  if (!found) {
    const names = [...new Set([...ctx.declared('AwsConnector').map((d) => d.name), ...ctx.live('AwsConnector').map((c) => optString((c as Obj).name) ?? '')])].filter(Boolean);
    const guess = suggest(name, names);
    return { spec, issues: [{ path: ['aws', 'connector'], message: `no AwsConnector is named '${name}' (declared or in Qualys)${guess ? ` — did you mean '${guess}'?` : names.length ? `; the connectors are: ${names.slice(0, 10).join(', ')}` : ''}` }] };
  }
  const arn = optString(found.arn);
  const type = optString(found.accountType) ?? 'Global'; // "Global or null": Global credentials
  const issues: CheckIssue[] = [];
  if (aws.arn !== undefined && optString(aws.arn) !== arn) issues.push({ path: ['aws', 'arn'], message: `arn differs from the ARN of connector '${name}' (${arn}): keep one of them` });
  if (aws.accountType !== undefined && accountTypeOf(aws.accountType) !== accountTypeOf(type)) issues.push({ path: ['aws', 'accountType'], message: `accountType differs from connector '${name}''s (${type}): keep one of them` });
  const accountId = optString(aws.accountId) ?? accountOfArn(arn);
  if (aws.accountId !== undefined && accountOfArn(arn) !== undefined && optString(aws.accountId) !== accountOfArn(arn)) issues.push({ path: ['aws', 'accountId'], message: `accountId ${String(aws.accountId)} is not the account of connector '${name}' (${accountOfArn(arn)})` });
  const resolved = { ...spec, aws: compact({ ...aws, accountId, arn, accountType: optString(aws.accountType) ?? type }) };
  // an account type taken from the connector is reported at the region the declaration wrote
  const own = aws.accountType !== undefined;
  const aws2 = awsIssues(resolved, ['aws']).map((i) => (!own && i.path.join('.') === 'aws.accountType' ? { ...i, path: ['aws', 'region'], message: `${i.message} (connector '${name}' is ${type})` } : i));
  return { spec: resolved, issues: [...issues, ...aws2] };
}

/** A registry's side of the relation, checked against the declared profiles: the profile must be declared, and no
 * other declared profile may list the registry. */
function checkRegistryProfile(spec: Obj, ctx: RefContext, name: string): CheckIssue[] {
  const profile = optString(spec.sensorProfile);
  if (profile === undefined) return [];
  const declared = ctx.declared('SensorProfile');
  if (!declared.some((d) => d.name === profile)) {
    const guess = suggest(profile, declared.map((d) => d.name));
    return [{ path: ['sensorProfile'], message: `SensorProfile '${profile}' is not declared: the assignment is made through the profile, so declare it${guess ? ` (did you mean '${guess}'?)` : ''}` }];
  }
  const issues: CheckIssue[] = [];
  for (const d of declared) {
    if (d.name === profile) continue;
    if (arr(d.spec.associatedRegistries).some((r) => r === name || uriOf(optString(r))?.toLowerCase() === uriOf(spec.registryUri)?.toLowerCase())) {
      issues.push({ path: ['sensorProfile'], message: `SensorProfile '${d.name}' lists this registry, but sensorProfile says '${profile}': a registry has one profile; keep one answer` });
    }
  }
  return issues;
}

export const registry = defineKind<RegistrySpec, Obj>({
  kind: 'Registry',
  schemaFile: 'container-registry.schema.json',
  folder: 'registries',
  dependsOn: ['AwsConnector'],
  refersTo: ['AwsConnector'],
  list: rest.list,
  listIsComplete: true,
  get: getOne,
  idOf,
  // A registry made before 1.17 has no name: its URI stands for it.
  nameOf: (live) => optString(live.registryName) ?? uriOf(live.registryUri) ?? '',
  canonical: (spec) => canonicalSpec(spec as Obj),
  canonicalLive,
  fields: ['registryType', 'registryUri', 'aws'],
  writeOnlyFields: WRITE_ONLY,
  resolve(spec, ctx, name) {
    const r = resolveConnector(spec as Obj, ctx);
    return { spec: r.spec as RegistrySpec, issues: [...r.issues, ...checkRegistryProfile(spec as Obj, ctx, name)] };
  },
  create: async (api, name, desired) => rest.create(api, body(name, desired)),
  update: async (api, live, name, desired) => rest.update(api, live, body(name, desired, live)),
  remove: rest.remove,
  async checkWrite(api, name, desired, live) {
    try {
      await api.request('POST', `${PATH}/validate`, { body: body(name, desired, live), safe: true });
      return undefined;
    } catch (e) {
      // 403/404/405: the check is not offered to this user (or gateway): the write itself will say why it fails
      if (e instanceof ApiError && (e.status === 403 || e.status === 404 || e.status === 405)) return undefined;
      if (e instanceof ApiError && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429) return e.serverMessage ?? e.message;
      throw e;
    }
  },
  heldByKinds: ['SensorProfile'],
  heldBy(live, others) {
    const id = idOf(live);
    const names = new Set([id, optString(live.registryName), uriOf(live.registryUri)].filter((x): x is string => !!x));
    const out = new Set<string>();
    for (const p of others.live('SensorProfile')) {
      const o = p as Obj;
      const ids = [o.associatedRegistries, o.associatedRegistryIds].flatMap((v) => (Array.isArray(v) ? v : []));
      if (ids.some((r) => (isObj(r) ? optString(r.registryUuid) : optString(r)) === id)) out.add(`SensorProfile/${optString(o.profileName) ?? '?'}`);
    }
    for (const d of others.declared('SensorProfile')) {
      const refs = [d.spec.associatedRegistries, d.spec.associatedRegistryIds].flatMap((v) => (Array.isArray(v) ? v : []));
      if (refs.some((r) => names.has(optString(r) ?? ''))) out.add(`SensorProfile/${d.name}`);
    }
    return [...out];
  },
  isProtected: () => false,
  toSpec(live) {
    const c = canonicalLive(live);
    return compact({ registryType: c.registryType, registryUri: c.registryUri, aws: c.aws }) as RegistrySpec;
  },
  check(spec, name) {
    const o = spec as Obj;
    const issues: CheckIssue[] = [...nameAgrees(spec, 'registryName', name, "the registry's")];
    const uri = optString(o.registryUri);
    if (uri !== undefined) {
      let ok = false;
      try {
        ok = new URL(uri).protocol === 'https:';
      } catch {
        ok = false;
      }
      if (!ok) issues.push({ path: ['registryUri'], message: `registryUri '${uri}' is not an https URL (https://<host>[/<path>])` });
    }
    const type = optString(o.registryType);
    if (type !== undefined && !KNOWN_TYPES.includes(type)) {
      const guess = suggest(type, KNOWN_TYPES);
      issues.push({ severity: 'warning', path: ['registryType'], message: `registryType '${type}' is not one the notes print (${KNOWN_TYPES.join(', ')})${guess ? ` — did you mean '${guess}'?` : ''}; it is sent as written` });
    }
    const aws = awsOf(o);
    if (type === 'AWS') {
      if (!isObj(o.aws)) issues.push({ path: [], message: "an AWS registry needs 'aws': { accountId, arn, region, accountType } or { connector, region }" });
      else {
        if (aws.region === undefined) issues.push({ path: ['aws'], message: 'aws.region is required: the region of the ECR registry' });
        if (aws.connector === undefined && aws.accountId === undefined && aws.arn === undefined) issues.push({ path: ['aws'], message: 'aws needs accountId and arn, or connector (the name of an AwsConnector)' });
      }
    } else if (isObj(o.aws) && type !== undefined) {
      issues.push({ path: ['aws'], message: `aws is for registryType AWS, not ${type}` });
    }
    issues.push(...checkAccountType(aws.accountType, ['aws', 'accountType']));
    if (aws.arn !== undefined && accountOfArn(aws.arn) === undefined) issues.push({ path: ['aws', 'arn'], message: `arn '${String(aws.arn)}' is not an IAM role ARN (arn:aws:iam::<12-digit account id>:role/<name>)` });
    if (aws.connector === undefined) issues.push(...awsIssues(o, ['aws']));
    for (const f of SECRET_FIELDS) {
      const v = o[f];
      if (v !== undefined && v !== null && !secretRef(v)) {
        issues.push({ path: [f], message: `${f} must not be written in a declaration: put it in an environment variable and write ${f}: { fromEnv: NAME }` });
      }
    }
    return issues;
  },
});
