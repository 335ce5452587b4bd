// AwsConnector — /csapi/v1.3/registry/aws/connector (POST), /aws/connectors and /aws/connectors/{accountId} (GET,
// bare arrays), and /registry/aws-gov-base (GET), as the GovCloud notes (003_…) show them. No update or delete is
// documented: PUT and DELETE answer 405. accountType is required ("which is required"): Global or US_Gov, and the
// sample's "US Gov" is read as US_Gov. The externalId is kept but never read back (the list does not show it).
import type { Account } from '../account.js';
import { badRequest, notFound } from '../errors.js';
import { byMethod } from './crud.js';
import type { KindRoutes, RouteCtx, RouteResult } from '../route-types.js';
import { eachSeed, SeedError } from '../seeding.js';
import type { Json, SeedAccount } from '../types.js';
import { asObject, optStringOrNull, reqString } from '../validate.js';

/** The simulated account's GovCloud ids (GET /registry/aws-gov-base). */
export const GOV_BASE = { accountId: '123456789012', externalId: '987654321' };

const ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]+$/;

/** Global or US_Gov ("US Gov" as the sample sends it); anything else is a 400. */
export function accountType(o: Json, where = ''): string {
  const v = reqString(o, 'accountType', where);
  const k = v.trim().toLowerCase().replace(/[\s_-]+/g, '_');
  if (k === 'global') return 'Global';
  if (k === 'us_gov') return 'US_Gov';
  throw badRequest(`${where}accountType must be Global or US_Gov, got "${v}"`);
}

export function reqArn(o: Json, where = ''): string {
  const arn = reqString(o, 'arn', where);
  if (!ARN.test(arn)) throw badRequest(`${where}arn "${arn}" is not an IAM role ARN (arn:aws:iam::<account id>:role/<name>)`);
  return arn;
}

function normalize(body: unknown): Json {
  const o = asObject(body);
  const out: Json = { name: reqString(o, 'name'), arn: reqArn(o), description: optStringOrNull(o, 'description'), accountType: accountType(o) };
  const ext = o['externalId'];
  if (ext === undefined || ext === null || ext === '') throw badRequest('externalId is required');
  if (typeof ext !== 'string' && typeof ext !== 'number') throw badRequest('externalId must be a string');
  out['externalId'] = String(ext);
  return out;
}

/** The list's form of a connector: no externalId. */
function listed(c: Json): Json {
  return { name: c['name'], arn: c['arn'], description: c['description'] ?? null, accountType: c['accountType'] ?? null };
}

function handle(ctx: RouteCtx, base: string[]): RouteResult {
  const map = ctx.account.objects('AwsConnector');
  if (base[2] === 'aws-gov-base') {
    if (ctx.rest.length > 0) throw notFound('No such path under registry/aws-gov-base');
    return byMethod(ctx, 'registry/aws-gov-base', { GET: () => ({ status: 200, body: { ...GOV_BASE } }) });
  }
  const [what, accountId, extra] = ctx.rest;
  if (what === 'connector' && accountId === undefined) {
    return byMethod(ctx, 'registry/aws/connector', {
      POST: () => {
        const c = normalize(ctx.body);
        if (map.has(c['name'] as string)) throw badRequest(`An AWS connector named "${c['name']}" already exists`);
        map.set(c['name'] as string, c);
        return { status: 200, created: true, mutated: true };
      },
    });
  }
  if (what === 'connectors' && extra === undefined) {
    return byMethod(ctx, 'registry/aws/connectors', {
      GET: () => {
        const all = [...map.values()].filter((c) => accountId === undefined || ARN.exec(c['arn'] as string)?.[1] === accountId);
        return { status: 200, body: all.map(listed) };
      },
    });
  }
  throw notFound(`No such path: registry/aws/${ctx.rest.join('/')}`);
}

export const awsConnectorRoutes: KindRoutes = {
  kind: 'AwsConnector',
  permission: 'REGISTRY',
  bases: [
    ['v1.3', 'registry', 'aws'],
    ['v1.3', 'registry', 'aws-gov-base'],
  ],
  handle,
  seedKeys: ['awsConnectors'],
  seed(account: Account, s: SeedAccount) {
    const map = account.objects('AwsConnector');
    eachSeed(s, 'awsConnectors', (o) => {
      if (typeof o['name'] !== 'string' || typeof o['arn'] !== 'string') throw new SeedError('name and arn are required');
      if (map.has(o['name'])) throw new SeedError(`seed.awsConnectors: two connectors are named "${o['name']}"`);
      // a connector made before GovCloud support reads accountType null
      map.set(o['name'], { name: o['name'], arn: o['arn'], description: o['description'] ?? null, accountType: o['accountType'] ?? null, ...(o['externalId'] !== undefined ? { externalId: String(o['externalId']) } : {}) });
    });
  },
  dump: (account) => {
    const all = [...account.objects('AwsConnector').values()];
    return all.length ? { awsConnectors: all.map((c) => structuredClone(c)) } : {};
  },
};
