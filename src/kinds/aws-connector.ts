// AwsConnector — /v1.3/registry/aws/connector(s) (GovCloud notes, 003_…). The notes document a create (POST
// `{arn, externalId, name, accountType, description}`, answered with a bare 200) and two reads (the connectors list,
// a bare array of `{name, arn, description, accountType}`, and the list for one account id), and no update or
// delete: a declared connector that differs from the live one is a change to make by hand (engine: a kind that
// cannot update plans a manual change), and --prune never deletes one. The name is the connector's key (no id is
// documented); `externalId` is never read back, so it is write-only.
import type { ApiClient } from '../api/types.js';
import { defineKind } from './defaults.js';
import type { CheckIssue } from './types.js';
import { compact, isObj, optString, type Obj } from './coerce.js';
import { nameAgrees, unlessEmptyText } from './spec.js';

const LIST = '/v1.3/registry/aws/connectors';
const CREATE = '/v1.3/registry/aws/connector';
const GOV_BASE = '/v1.3/registry/aws-gov-base';

export interface AwsConnectorSpec {
  arn?: string;
  externalId?: string;
  accountType?: string;
  description?: string;
  name?: string;
}

/** The account types the notes close ("Specify the AWS account type as Global or US_Gov"), with the sample's
 * spelling `US Gov` read as `US_Gov`. */
export function accountTypeOf(v: unknown): string | undefined {
  const s = optString(v);
  if (s === undefined) return undefined;
  const k = s.trim().toLowerCase().replace(/[\s_-]+/g, '_');
  if (k === 'global') return 'Global';
  if (k === 'us_gov') return 'US_Gov';
  return s;
}

/** The AWS account id an IAM role ARN names (`arn:aws:iam::383031258652:role/x` → 383031258652). */
export function accountOfArn(arn: unknown): string | undefined {
  const m = /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(optString(arn) ?? '');
  return m?.[1];
}

export function checkAccountType(v: unknown, path: (string | number)[]): CheckIssue[] {
  if (v === undefined || v === null) return [];
  const t = accountTypeOf(v);
  return t === 'Global' || t === 'US_Gov' ? [] : [{ path, message: `accountType '${String(v)}' is not one of Global, US_Gov ("Specify the AWS account type as Global or US_Gov", GovCloud notes)` }];
}

function canonicalOf(o: Obj, live: boolean): Record<string, unknown> {
  // "When the account type is Global or null, Global AWS credentials are used": a connector made before the field
  // existed reads null, which is Global.
  const accountType = accountTypeOf(o.accountType) ?? (live ? 'Global' : undefined);
  return compact({
    arn: optString(o.arn) ?? '',
    accountType,
    description: optString(o.description) ?? '',
    ...(live ? {} : { externalId: optString(o.externalId) }),
  });
}

async function listAll(api: ApiClient): Promise<Obj[]> {
  // a bare array, unpaged in the notes: one call
  const body = await api.request<unknown>('GET', LIST);
  if (!Array.isArray(body)) return [];
  return body.filter(isObj);
}

export const awsConnector = defineKind<AwsConnectorSpec, Obj>({
  kind: 'AwsConnector',
  schemaFile: 'aws-connector.schema.json',
  folder: 'aws-connectors',
  dependsOn: [],
  list: listAll,
  listIsComplete: true,
  // No detail call is documented: an object is read from the list (matched by name, its only key).
  get: async (api, id) => (await listAll(api)).find((c) => c.name === id),
  idOf: (live) => optString(live.name) ?? '',
  nameOf: (live) => optString(live.name) ?? '',
  canonical: (spec) => canonicalOf(spec as Obj, false),
  canonicalLive: (live) => canonicalOf(live, true),
  fields: ['arn', 'accountType', 'description'],
  writeOnlyFields: ['externalId'],
  // The documented create body, in the form the user wrote it (accountType as declared, `US Gov` included).
  create: async (api, name, desired) => {
    await api.request('POST', CREATE, { body: compact({ arn: desired.arn, externalId: desired.externalId, name, accountType: desired.accountType, description: desired.description }) });
    return name;
  },
  // "For accountType US_Gov with no externalId, the plan may fill it from aws-gov-base": read once, only then
  async lookup(api, specs): Promise<Record<string, unknown[]>> {
    if (!specs.some((sp) => accountTypeOf(sp.accountType) === 'US_Gov' && optString(sp.externalId) === undefined)) return {};
    const base = await api.request<unknown>('GET', GOV_BASE);
    return { govBase: isObj(base) ? [base] : [] };
  },
  refersTo: [],
  resolve(spec, ctx, name) {
    const o = spec as Obj;
    if (accountTypeOf(o.accountType) !== 'US_Gov' || optString(o.externalId) !== undefined) return { spec, issues: [] };
    // only a create sends it
    if (ctx.live('AwsConnector').some((c) => isObj(c) && c.name === name)) return { spec, issues: [] };
    const base = ctx.lookup?.('govBase')?.find(isObj);
    // the sample answers `externallId` (sic)
    const ext = base ? optString(base.externalId) ?? optString(base.externallId) : undefined;
    if (ext === undefined) return { spec, issues: [] };
    return { spec: { ...spec, externalId: ext }, issues: [{ severity: 'warning', path: ['externalId'], message: `not declared: the GovCloud external id ${ext} of GET /registry/aws-gov-base is used` }] };
  },
  isProtected: () => false,
  toSpec: (live) => compact({ arn: optString(live.arn), accountType: optString(live.accountType), description: unlessEmptyText(live.description) }) as AwsConnectorSpec,
  check(spec, name) {
    const o = spec as Obj;
    const issues: CheckIssue[] = [...checkAccountType(o.accountType, ['accountType']), ...nameAgrees(spec, 'name', name, "the connector's")];
    if (o.arn !== undefined && accountOfArn(o.arn) === undefined) {
      issues.push({ path: ['arn'], message: `arn '${String(o.arn)}' is not an IAM role ARN (arn:aws:iam::<12-digit account id>:role/<name>)` });
    }
    return issues;
  },
});
