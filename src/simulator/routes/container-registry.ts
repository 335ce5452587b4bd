// Registry — /csapi/v1.3/registry: list (assumed: `{data, count}` paged, the details' item shape), create (POST →
// `{registryUuid}`), details (GET /{id} → `{data: [item], count: 1}`), update (PUT /{id}, answered with the same
// id), delete (assumed) and POST /validate (the same body; 200 or a 400 saying why). What a write sends but a read
// never shows (an AWS registry's arn and accountType, credentialType, credentials) is kept apart and never answered.
// Checks: registryType and an https registryUri are required, URIs are unique, names are unique; an AWS registry
// needs aws.accountId, arn, region and accountType ("which is required"), a GovCloud region goes with US_Gov and
// the reverse, the URI is the ECR registry of that account and region, and the ARN must be usable: of the same
// account, and not one the account cannot assume (seed `awsDeniedArns`).
import type { Account } from '../account.js';
import { badRequest, notFound } from '../errors.js';
import { byMethod, deleted } from './crud.js';
import { uuid } from '../ids.js';
import { listPage } from '../pagination.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import { eachSeed, SeedError } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, optStringOrNull, reqString } from '../validate.js';
import { accountType, reqArn } from './aws-connector.js';

/** The keys a read shows, in the details sample's order (003_…). */
const READ_KEYS = ['registryUuid', 'registryName', 'registryUri', 'registryType', 'repoCount', 'totalImages', 'totalScannedImages', 'totalVulnerableImages', 'lastScanned', 'scheduleStatusList', 'created', 'updated', 'dockerHubOrg', 'providerType', 'awsAccountId', 'awsRegion', 'gcpProjectId', 'acrConnectorId'];
const SERVER = new Set(['registryUuid', 'repoCount', 'totalImages', 'totalScannedImages', 'totalVulnerableImages', 'lastScanned', 'scheduleStatusList', 'created', 'updated', 'awsAccountId', 'awsRegion']);
const WRITE_ONLY = ['credentialType', 'username', 'password', 'token'];

function denied(account: Account): Set<string> {
  return account.state('awsDeniedArns', () => new Set<string>());
}

/** What the account holds but never reads back, by registry id. */
function hidden(account: Account): Map<string, Json> {
  return account.state('registryWriteOnly', () => new Map<string, Json>());
}

/** A write body checked and split into its stored (read) form and its write-only part. */
function normalize(account: Account, body: unknown): { stored: Json; secret: Json } {
  const o = asObject(body);
  const registryType = reqString(o, 'registryType');
  const registryUri = reqString(o, 'registryUri');
  let url: URL | undefined;
  try {
    url = new URL(registryUri);
  } catch {
    url = undefined;
  }
  if (url?.protocol !== 'https:') throw badRequest(`registryUri "${registryUri}" must be an https URL`);
  const stored: Json = {};
  // fields the API does not document but a client carries (dockerHubOrg, providerType, …) are kept as sent
  for (const [k, v] of Object.entries(o)) if (!SERVER.has(k) && !WRITE_ONLY.includes(k) && k !== 'aws') stored[k] = v;
  stored['registryName'] = optStringOrNull(o, 'registryName');
  stored['registryType'] = registryType;
  stored['registryUri'] = registryUri;
  const secret: Json = {};
  for (const k of WRITE_ONLY) if (o[k] !== undefined && o[k] !== null) secret[k] = o[k];
  if (registryType === 'AWS') {
    const aws = asObject(o['aws'], 'aws object (required for registryType AWS)');
    const accountId = reqString(aws, 'accountId', 'aws.');
    if (!/^\d{12}$/.test(accountId)) throw badRequest(`aws.accountId must be 12 digits, got "${accountId}"`);
    const region = reqString(aws, 'region', 'aws.');
    const type = accountType(aws, 'aws.');
    const arn = reqArn(aws, 'aws.');
    const gov = /^us-gov-/.test(region);
    if (gov && type !== 'US_Gov') throw badRequest(`aws.region ${region} is a GovCloud region: aws.accountType must be US_Gov`);
    if (!gov && type === 'US_Gov') throw badRequest(`aws.accountType US_Gov needs a GovCloud region (us-gov-…), got ${region}`);
    const expected = `https://${accountId}.dkr.ecr.${region}.amazonaws.com`;
    if (registryUri.replace(/\/+$/, '').toLowerCase() !== expected) throw badRequest(`registryUri "${registryUri}" is not the ECR registry of account ${accountId} in ${region} (${expected})`);
    if (!arn.includes(`::${accountId}:`)) throw badRequest(`aws.arn ${arn} belongs to another AWS account than ${accountId}: the role cannot be used for this registry`);
    if (denied(account).has(arn)) throw badRequest(`aws.arn ${arn}: the role cannot be assumed with the external id of this subscription (AccessDenied); check its trust policy`);
    stored['providerType'] ??= 'AWS';
    stored['awsAccountId'] = accountId;
    stored['awsRegion'] = region;
    secret['arn'] = arn;
    secret['accountType'] = type;
  }
  return { stored, secret };
}

function unique(map: Map<string, Json>, o: Json, selfId?: string): void {
  for (const [id, r] of map) {
    if (id === selfId) continue;
    if (String(r['registryUri']).replace(/\/+$/, '').toLowerCase() === String(o['registryUri']).replace(/\/+$/, '').toLowerCase()) throw badRequest(`A registry with URI ${o['registryUri']} already exists`);
    if (o['registryName'] !== null && o['registryName'] !== undefined && r['registryName'] === o['registryName']) throw badRequest(`A registry named "${o['registryName']}" already exists`);
  }
}

/** The read form: the details sample's keys (null where unset), then any other stored key. */
export function registryRead(r: Json): Json {
  const out: Json = {};
  for (const k of READ_KEYS) out[k] = r[k] ?? (k === 'repoCount' || k.startsWith('total') ? 0 : k === 'scheduleStatusList' ? {} : null);
  for (const [k, v] of Object.entries(r)) if (!(k in out)) out[k] = v;
  return out;
}

function handle(ctx: RouteCtx): RouteResult {
  const { account } = ctx;
  const map = account.objects('Registry');
  const [id, extra] = ctx.rest;
  const now = String(ctx.now);
  if (extra !== undefined) throw notFound('No such path under registry');
  if (id === undefined) {
    return byMethod(ctx, 'registry', {
      GET: () => {
        const { page, count } = listPage([...map.values()], ctx.query, ctx.pageSizeCap, 'registryName', registryRead);
        return { status: 200, body: { data: page, count } };
      },
      POST: () => {
        const { stored, secret } = normalize(account, ctx.body);
        unique(map, stored);
        const rec = { registryUuid: uuid(), ...stored, created: now, updated: now };
        map.set(rec.registryUuid, rec);
        hidden(account).set(rec.registryUuid, secret);
        return { status: 200, body: { registryUuid: rec.registryUuid }, created: true, mutated: true };
      },
    });
  }
  if (id === 'validate') {
    return byMethod(ctx, 'registry/validate', {
      POST: () => {
        const { stored } = normalize(account, ctx.body);
        const self = [...map.values()].find((r) => stored['registryName'] && r['registryName'] === stored['registryName']);
        unique(map, stored, self?.['registryUuid'] as string | undefined);
        return { status: 200 };
      },
    });
  }
  const cur = map.get(id);
  if (!cur) throw notFound(`Registry ${id} not found`);
  return byMethod(ctx, 'registry/{id}', {
    GET: () => ({ status: 200, body: { data: [registryRead(cur)], count: 1 } }),
    PUT: () => {
      // a PUT replaces the registry: what it does not send is gone (write-only fields included)
      const { stored, secret } = normalize(account, ctx.body);
      unique(map, stored, id);
      map.set(id, { registryUuid: id, ...stored, created: cur['created'], updated: now });
      hidden(account).set(id, secret);
      return { status: 200, body: { registryUuid: id }, mutated: true };
    },
    DELETE: () => {
      const holder = [...account.objects('SensorProfile').values()].find((p) => Array.isArray(p['associatedRegistries']) && (p['associatedRegistries'] as unknown[]).includes(id));
      if (holder) throw badRequest(`Registry ${id} belongs to sensor profile "${holder['profileName']}": remove it from the profile first`);
      hidden(account).delete(id);
      return deleted(map, id);
    },
  });
}

export const registryRoutes: KindRoutes = {
  kind: 'Registry',
  permission: 'REGISTRY',
  bases: [['v1.3', 'registry']],
  handle,
  seedKeys: ['containerRegistries', 'awsDeniedArns'],
  seed(account: Account, s: SeedAccount, now: number) {
    const map = account.objects('Registry');
    // entries in the details' item shape (003_… GET /registry/{id} data[0]); write-only fields may be given too
    eachSeed(s, 'containerRegistries', (o) => {
      const id = typeof o['registryUuid'] === 'string' ? o['registryUuid'] : uuid();
      if (map.has(id)) throw new SeedError(`two registries have the id ${id}`);
      const rec: Json = { created: String(now), updated: String(now), ...structuredClone(o), registryUuid: id };
      const secret: Json = {};
      for (const k of WRITE_ONLY) {
        if (rec[k] === undefined) continue;
        secret[k] = rec[k];
        delete rec[k];
      }
      map.set(id, rec);
      hidden(account).set(id, secret);
    });
    const deny = s['awsDeniedArns'];
    if (deny !== undefined && !Array.isArray(deny)) throw new SeedError('seed.awsDeniedArns must be an array of ARNs');
    for (const a of (deny as unknown[] | undefined) ?? []) denied(account).add(String(a));
  },
  dump: (account) => {
    const out: SeedAccount = {};
    const all = [...account.objects('Registry').values()];
    if (all.length) out['containerRegistries'] = all.map((r) => ({ ...registryRead(r), ...structuredClone(hidden(account).get(r['registryUuid'] as string) ?? {}) }));
    if (denied(account).size) out['awsDeniedArns'] = [...denied(account)];
    return out;
  },
};
