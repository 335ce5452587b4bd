// The assumptions registry: every row of docs/api-assumptions.md marked *(assumed)*, by a stable id, with its
// statement in one line and, where a read-only call can confirm or contradict it, the probe that does
// (`qcs-gitops doctor` runs them). An id is `<section>/<topic>`: the section's name in kebab case (`common`,
// `exception`, `centralized-policy`…) and the row's topic in kebab case, so a reader finds the row from the id.
// test/doctor/assumptions.test.ts checks that this list and the document's assumed rows are the same set.
import type { ListShape } from './types.js';

/** A read-only check `doctor` can make. */
export type Probe =
  /** POST /auth answers 201 with the JWT as its body. */
  | { type: 'auth' }
  /** The token is a JWT whose payload carries `iat` and `exp`. */
  | { type: 'token-claims' }
  /** The kind's list endpoint answers in its shape (LIST_SHAPES); with `complete`, its items carry every field
   * the details do. */
  | { type: 'list'; kind: string; complete?: boolean }
  /** The kind's first listed object carries these keys. */
  | { type: 'fields'; kind: string; keys: readonly string[] }
  /** The kind's list holds a system object (one the client never changes). */
  | { type: 'protected-exists'; kind: string }
  /** The kind's details GET answers the first listed object. */
  | { type: 'details'; kind: string }
  /** A page of the size the client asks (250) is served whole or capped, never refused. */
  | { type: 'page-size' }
  /** A list without a total is a bare array (the runtime policies'). */
  | { type: 'bare-array' }
  /** Answers carry `X-RateLimit-*` headers. */
  | { type: 'rate-limit-headers' }
  /** The secret-rule path the client probes is served. */
  | { type: 'path-probe' }
  /** Error answers seen carry `{errorCode, message}`; a 403 names the permission. */
  | { type: 'error-body' };

export interface Assumption {
  readonly id: string;
  readonly statement: string;
  /** The read-only check that can confirm or contradict it. */
  readonly probe?: Probe;
  /** Why no read-only call can check it (when there is no probe). */
  readonly unchecked?: string;
}

const WRITE = 'a write behaviour: doctor never writes';
const CLIENT = "the client's own decision: nothing on the gateway confirms or contradicts it";
const DECL = 'about the declaration format: `qcs-gitops validate` checks it offline';
const SIM = 'about the simulator only';
const COUNTS = 'needs objects of a given shape in the account, or a write';

/** The list shape of each kind, documented or assumed (the rows `list` of docs/api-assumptions.md). */
export const LIST_SHAPES: Readonly<Record<string, ListShape>> = {
  CentralizedPolicy: 'data', // assumed
  RuntimePolicy: 'array', // notes: 002_… lists a bare array
  Exception: 'data', // assumed
  SensorProfile: 'data', // notes: {data, count, groups}
  SecretRule: 'data', // notes: {data, count} with count a string
  ReportSchedule: 'data', // assumed
};

const a = (id: string, statement: string, check: Probe | string): Assumption =>
  typeof check === 'string' ? { id, statement, unchecked: check } : { id, statement, probe: check };

export const ASSUMPTIONS: readonly Assumption[] = [
  // Common
  a('common/auth', 'POST /auth with form fields answers 201 with the raw JWT; the token lives 4 h and is renewed 5 minutes before expiry', { type: 'auth' }),
  a('common/success-statuses', 'any 2xx answer is a success', WRITE),
  a('common/empty-bodies', 'DELETE answers 200 with no body for every kind', WRITE),
  a('common/errors', 'error answers carry {errorCode, message, timestamp} like the documented 403', { type: 'error-body' }),
  a('common/bare-array-lists', 'a list without a total ends at a short page; a short round-numbered first page is a silent page-size cap', { type: 'bare-array' }),
  a('common/names', 'names are unique per kind and compared case-sensitively; a duplicate create answers 400', WRITE),
  a('common/declaration-dates', 'declaration dates are ISO 8601 with a zone, a date at 00:00 UTC, or epoch ms; impossible days are errors', DECL),
  a('common/enums-and-blanks', 'enum values are compared case-insensitively; null, "" and an absent optional field are the same', CLIENT),
  a('common/field-ownership', 'a PUT replaces the whole object, so every update carries the live value of each field the declaration leaves out', WRITE),
  a('common/transport', 'plain http only to loopback; redirects are not followed', CLIENT),
  a('common/auth-answer', 'the JWT is the raw body of /auth (or {token}); its lifetime is exp - iat', { type: 'token-claims' }),
  a('common/retries', '429, 502, 503, 504, resets and timeouts are retried with backoff; a plain 409 is not', CLIENT),
  a('common/unknown-outcome', 'a POST is repeated only when nothing was sent; otherwise the client looks before creating again', CLIENT),
  a('common/rate-limit-pacing', 'X-RateLimit-Remaining and X-RateLimit-ToWait-Sec pace the calls', { type: 'rate-limit-headers' }),
  a('common/paging', 'the client asks 250 a page; a shorter first page while more exist is the gateway\'s cap', { type: 'page-size' }),
  a('common/path-probe', 'GET /v1.3/secretrule (else /v1.3/secretDetector) selects the secret-rule path', { type: 'path-probe' }),
  a('common/permissions', 'a missing permission answers 403 naming it as CS.<AREA>.<VIEW|CREATE|UPDATE|DELETE>', { type: 'error-body' }),
  a('common/other-statuses', '404 for unknown ids and paths, 405 for an unserved method; errorCode is "<status> <REASON>"', WRITE),
  a('common/auth-details', 'the token is a JWT carrying sub, iat and exp; Basic auth is accepted on /csapi', { type: 'token-claims' }),
  a('common/list-parameters', 'lists take pageNumber (from 1) and pageSize; sort and filter follow the runtime-policy dialect', { type: 'page-size' }),
  a('common/rate-limit-windows', 'rate limits are per endpoint, in fixed windows', { type: 'rate-limit-headers' }),
  a('common/server-managed-fields-in-bodies', 'ids, timestamps, authorship and version sent in a body are ignored by the server', WRITE),
  // CentralizedPolicy
  a('centralized-policy/list', 'the list is {data, count} of summaries without rules, filters or tags', { type: 'list', kind: 'CentralizedPolicy' }),
  a('centralized-policy/delete', 'DELETE /{uuid} answers 200 with no body', WRITE),
  a('centralized-policy/default-policy', 'one default policy (isDefault: true) exists and refuses PUT and DELETE', { type: 'protected-exists', kind: 'CentralizedPolicy' }),
  a('centralized-policy/rule-defaults', 'a rule omitting kind, isEnabled, stopProcessing or order takes the documented defaults', WRITE),
  a('centralized-policy/tags', 'tag ids are numbers (digit strings sent as numbers), read back as tagIds or null', COUNTS),
  a('centralized-policy/rules-compared', 'rules are compared on their documented fields only, in sortOrder', CLIENT),
  a('centralized-policy/k8sfilters-compared', 'k8sFilters are a set; each entry keeps only its used cluster or namespace', CLIENT),
  a('centralized-policy/update-body', 'a PUT sends the live server-managed fields back with the desired ones', WRITE),
  a('centralized-policy/put-target', 'the path uuid of a PUT is the object updated; a different body uuid is ignored', WRITE),
  a('centralized-policy/isdefault', 'only the system\'s default policy has isDefault: true; asking for it answers 400', WRITE),
  a('centralized-policy/metadata-input', 'metaData is accepted as an object, a JSON string or a bare integer (value)', WRITE),
  a('centralized-policy/version', 'version is 1 on create and +1 on every PUT, without optimistic locking', WRITE),
  a('centralized-policy/declarations', 'policy types, modes and rule fields a declaration may use', DECL),
  // RuntimePolicy
  a('runtime-policy/details', 'GET /{id} answers the summary plus the default actions, ignoredSyscalls and camelCase rules', { type: 'details', kind: 'RuntimePolicy' }),
  a('runtime-policy/create-update', 'POST answers {id}; PUT /{id} answers the same {id}', WRITE),
  a('runtime-policy/defaults', 'omitted default actions are ALLOW, omitted ignoredSyscalls [], unused rule fields are blank', WRITE),
  a('runtime-policy/delete', 'DELETE /{id} answers 200, or 409 while the policy is in use', WRITE),
  a('runtime-policy/default-policy', 'the policy named Default Policy belongs to the system and is never changed', CLIENT),
  a('runtime-policy/v1-2-mode', 'the v1.2 integer Mode reads 0 ACTIVE, 1 INACTIVE, 2 PERMISSIVE', COUNTS),
  a('runtime-policy/rule-fields-by-type', 'ipAddress/port only on network rules, file on READ/WRITE, syscall and args on SYSCALL', DECL),
  a('runtime-policy/rule-ids-on-put', 'a rule sent back with its id keeps it; one without gets a new id', WRITE),
  a('runtime-policy/unused-rule-fields-read-back', 'unused rule fields read back as "" and port 0; a rule without action is DENY', COUNTS),
  a('runtime-policy/v1-2-path', '/v1.2/runtime/policies serves the PascalCase forms', CLIENT),
  a('runtime-policy/declarations', 'rule fields a declaration needs, and the v1.2 PascalCase spellings it may use', DECL),
  // Exception
  a('exception/list', 'the list is {data, count} and its items carry the detail fields, qids included', { type: 'list', kind: 'Exception', complete: true }),
  a('exception/create-update', 'POST answers {exceptionId}; PUT /{exceptionId} answers 200 {exceptionId}', WRITE),
  a('exception/qids', 'qids belong to the exception whatever its assignment; the server fills them from the QID list', COUNTS),
  a('exception/entityassignmenttype', 'DYNAMIC assigns by dynamicFilter; other values exist and are accepted with a warning', COUNTS),
  a('exception/exceptiontype-default', 'exceptionType is sent as VULNERABILITY when not declared and is not read back', WRITE),
  a('exception/export-of-qids', 'export writes every exception\'s qids, and entityAssignmentType when DYNAMIC', CLIENT),
  a('exception/delete', 'DELETE /{exceptionId} answers 200 with no body', WRITE),
  a('exception/details-without-includeqids', 'GET /{id} without includeQids=true leaves qids out', 'doctor reads details as the client does (with includeQids=true)'),
  a('exception/qids-on-create-simulator', 'the simulator fills a created exception\'s qids from its listId', SIM),
  a('exception/body-checks', 'DYNAMIC needs a dynamicFilter of supported tokens; dates are required', WRITE),
  a('exception/declarations', 'required fields and the known reasons of an exception declaration', DECL),
  // SensorProfile
  a('sensor-profile/default', 'the Default profile has a zero profileId and refuses PUT and DELETE', { type: 'protected-exists', kind: 'SensorProfile' }),
  a('sensor-profile/one-profile-per-registry', 'a registry held by another profile is refused with 400', WRITE),
  a('sensor-profile/ids-read', 'associated registries and sensors read as ids or objects carrying registryUuid/uuid/id', CLIENT),
  a('sensor-profile/default-and-registries', 'the Default profile holds registries too, under the one-profile-per-registry rule', SIM),
  a('sensor-profile/body-checks', 'a create needs registries and sensors; profileType is Registry or absent', WRITE),
  a('sensor-profile/listings', '/{id}/registry is {data, count, groups}; /{id}/sensor and /associate are {content}', CLIENT),
  // SecretRule
  a('secret-rule/bulk', 'PUT /bulkUpdate takes at most 100 ids a call', WRITE),
  a('secret-rule/grouping', 'status-only changes are grouped into bulkUpdate calls, one a target status', CLIENT),
  a('secret-rule/put-body', 'a PUT needs both secretRuleStatus and severity; updated and updatedBy change', WRITE),
  a('secret-rule/bulk-details', 'an unknown id in a bulkUpdate answers 404 and changes nothing', WRITE),
  a('secret-rule/create-delete', 'POST and DELETE on secret rules answer 405', WRITE),
  a('secret-rule/built-in-rules', 'every account has the same ~65 built-in rules with stable uuids', COUNTS),
  // ReportSchedule
  a('report-schedule/list', 'the list is {data, count} of complete schedules (no detail calls)', { type: 'list', kind: 'ReportSchedule', complete: true }),
  a('report-schedule/details', 'GET /{scheduleUuid} answers one schedule in the read form', { type: 'details', kind: 'ReportSchedule' }),
  a('report-schedule/delete', 'DELETE /{scheduleUuid} answers 200 with no body', WRITE),
  a('report-schedule/read-form', 'a schedule reads back with the report list\'s names (fileFormat, fileZipped, emailNotification)', { type: 'fields', kind: 'ReportSchedule', keys: ['fileFormat', 'fileZipped', 'emailNotification'] }),
  a('report-schedule/times', 'eventTime and eventEndTime are sent as ISO 8601', WRITE),
  a('report-schedule/templates', 'the known templates; another name is accepted with a warning', DECL),
  a('report-schedule/columns', 'displayColumns is ordered; the CS_IMAGE_SECRETS column list is complete', DECL),
  a('report-schedule/recurrence', 'recurrenceType DAILY, WEEKLY or MONTHLY', DECL),
  a('report-schedule/defaults', 'a create sends the sample\'s values for fields the declaration leaves out', WRITE),
  a('report-schedule/simulator-store', 'the simulator stores what a POST or PUT sends and nothing else', SIM),
  a('report-schedule/permissions', 'report permissions are named CS.REPORT.<VIEW|CREATE|UPDATE|DELETE>', { type: 'error-body' }),
];
