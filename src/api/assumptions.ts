// The assumptions registry: every row of docs/api-assumptions.md marked *(assumed)*, by a stable id, with its
// statement (the row's decision, word for word: test/doctor/assumptions.test.ts checks both ways) and, where a read-only call can confirm or contradict it, the probe that does
// (`qcs-gitops doctor` runs them). An id is `<section>/<topic>`: the section's name in kebab case (`common`,
// `values`, `exception`, `centralized-policy`…) and the row's topic (a Values row: its set) in kebab case, so a
// reader finds the row from the id. A Values row's statement is `<set> (<class>): <members>`.
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
const FAIL = 'needs a call made to fail (an unknown id, path or page), which doctor does not make';

/** The list shape of each kind, documented or assumed (the rows `list` of docs/api-assumptions.md). */
export const LIST_SHAPES: Readonly<Record<string, ListShape>> = {
  CentralizedPolicy: 'data', // assumed
  RuntimePolicy: 'array', // notes: 002_… lists a bare array
  Exception: 'data', // assumed
  SensorProfile: 'data', // notes: {data, count, groups}
  SecretRule: 'data', // notes: {data, count} with count a string
  ReportSchedule: 'data', // assumed
  Registry: 'data', // assumed
  AwsConnector: 'array', // notes: 003_… lists connectors as a bare array
};

const a = (id: string, statement: string, check: Probe | string): Assumption =>
  typeof check === 'string' ? { id, statement, unchecked: check } : { id, statement, probe: check };

export const ASSUMPTIONS: readonly Assumption[] = [
  a("common/auth-call", "`POST {gateway}/auth` (not under `/csapi`) with form fields `username`, `password`, `token=true` answers 201 with the raw JWT as body; wrong credentials → 401", { type: 'auth' }),
  a("common/auth-answer", "a JSON body `{\"token\"}` (or `access_token`) is accepted as well as the raw JWT", CLIENT),
  a("common/token-lifetime", "`exp - iat` of the JWT when readable, else 4 h; renewed 5 minutes before expiry and once on a 401", { type: 'token-claims' }),
  a("common/token-and-password", "with both `QUALYS_TOKEN` and a username/password, the token is used first and the password renews it on a 401; with a token alone a 401 is an error naming `QUALYS_TOKEN`", CLIENT),
  a("common/auth-details-simulator", "`POST /auth` without `username` or `password` answers 400, other methods 405; the token looks like a JWT whose payload carries `sub`, `iat`, `exp`", SIM),
  a("common/success-statuses", "any 2xx is success; the simulator answers 200 to GET, PUT, DELETE and to a POST with its documented id body", CLIENT),
  a("common/empty-delete-answer-other-kinds", "the same for centralized policies, exceptions, report schedules and v1.3 runtime policies", WRITE),
  a("common/other-error-bodies", "400/404/405/409/429/5xx bodies have the 403 body's shape, `errorCode` `\"<status> <REASON>\"`", { type: 'error-body' }),
  a("common/other-statuses", "404 for unknown ids and paths; 405 for a method a path does not serve", FAIL),
  a("common/renames", "an update (PUT) whose body carries a new name (`name`, `policyName`, `profileName`) renames the object in place: same id, every other field as sent. `plan --base` plans a declaration that kept its place and changed only `metadata.name` as such an update. Secret rules are named by Qualys (`secretDetector`; the documented PUT body has no name): never renamed, an error at validate and plan (`Capabilities.rename: false`)", WRITE),
  a("common/permission-names-simulator", "`CS.<CENTRALIZED_POLICY|RUNTIME_POLICY|EXCEPTION|SENSOR_PROFILE|SECRET_RULE|REPORT>.<VIEW|CREATE|UPDATE|DELETE>` (GET → VIEW, POST → CREATE, PUT → UPDATE, DELETE → DELETE)", { type: 'error-body' }),
  a("common/page-size", "the client asks 250 a page", { type: 'page-size' }),
  a("common/page-size-fallback", "a list whose first page answers 400 for `pageSize=250` is asked again once with 50, and 50 is kept for the run (simulator fault `refusePageSizeAbove`)", { type: 'page-size' }),
  a("common/page-size-cap-simulator", "a larger `pageSize` than 250 is capped silently to 250", SIM),
  a("common/short-first-page", "with a total (`count`, possibly a string; `totalElements` for `content` lists) items are counted against it; a first page shorter than asked is taken for the gateway's silent cap and the remaining pages are asked at that size, in parallel", { type: 'page-size' }),
  a("common/lists-without-a-total", "a bare array or a `content` list without total ends at a short or empty page, or `last: true`; a short *first* page whose length is a multiple of 10 is taken for a silent cap and read on at that size", { type: 'bare-array' }),
  a("common/out-of-range-pages", "answer an empty list", FAIL),
  a("common/list-parameters-simulator", "a `pageNumber`/`pageSize` that is not a positive integer answers 400; `sort=field:asc|desc` sorts on any field; default order: creation order", SIM),
  a("common/filter-simulator", "`filter` terms `token:value` joined by ` and ` keep items whose field contains the value, case-sensitively, on every list; an unknown token answers 400", SIM),
  a("common/rate-limits", "a blocked call answers 429 with `X-RateLimit-Limit`, `X-RateLimit-Window-Sec`, `X-RateLimit-Remaining`, `X-RateLimit-ToWait-Sec` and `Retry-After` (seconds); a 409 is a rate-limit answer only with `X-RateLimit-*` headers", { type: 'rate-limit-headers' }),
  a("common/rate-limit-windows-simulator", "per endpoint = per kind's base path (and `/auth`), a fixed window starting at its first call; a blocked call is not carried out", SIM),
  a("common/rate-limit-pacing", "when `X-RateLimit-Remaining` is below the concurrency, calls go one at a time; at 0, new calls pause for `X-RateLimit-ToWait-Sec`/`Retry-After`, else the whole window, at most the retry budget", { type: 'rate-limit-headers' }),
  a("common/retries", "429, 502, 503, 504, connection resets and timeouts, and 409 only with `X-RateLimit-*` headers; exponential backoff with full jitter (base 250 ms), or the larger of `Retry-After` and `X-RateLimit-ToWait-Sec`; at most 6 tries and 60 s of waiting per call; not retried: a plain 409, TLS and DNS failures", CLIENT),
  a("common/unknown-outcome", "a POST is repeated only after a 429, a rate-limit 409 or a failure to connect; after a reset, a timeout or a 502/503/504 the error is `E_OUTCOME_UNKNOWN` and the caller looks before creating again; a DELETE that answers 404 after an earlier try of it counts as done", CLIENT),
  a("common/transport", "plain `http://` only to loopback hosts; anything else `https://` with certificate verification; `--insecure` turns verification off (with a warning); redirects are not followed", CLIENT),
  a("common/names", "names are unique per kind and compared exactly (case-sensitive); a duplicate create answers 400 (simulator)", WRITE),
  a("common/declaration-dates", "an ISO 8601 date-time with a zone, a date (00:00 UTC) or epoch ms; a day the calendar lacks is an error at its line; compared as one instant; export writes `YYYY-MM-DD` at 00:00 UTC, else ISO 8601", DECL),
  a("common/blanks", "`null`, `\"\"` and an absent optional field are the same; `null` and `[]` are the same", CLIENT),
  a("common/enum-case", "enum values are compared upper case (the sets: Values, below)", CLIENT),
  a("common/field-ownership", "what a declaration leaves out is not managed: a top-level `spec` field it does not mention (or sets to `null`) is neither compared nor changed", CLIENT),
  a("common/put-replaces", "a PUT replaces the whole object: a field its body leaves out is cleared (the simulator does so)", WRITE),
  a("common/update-body", "an update carries the object's details read in the same run: every live field (keys no kind knows included) but the server-managed ones, with the fields the declaration changes replaced, in the form written", WRITE),
  a("common/create-body", "a create sends the declared fields only, plus what a note marks required (a sensor profile's `profileType`); no default is invented", WRITE),
  a("common/list-items-are-summaries", "a field absent from a list item is unknown, not unset: the plan reads the details of a declared object whose item lacks a managed field; every update is built on details read in the same run (one `GET /{id}` an updated object the plan read only as a list item)", CLIENT),
  a("common/server-managed-fields-in-bodies", "ids, `created`/`updated`, `createdBy`/`updatedBy`, `version`, `hasDeprecatedRulesPresent` in a request body are ignored by the simulator: it keeps its own; `createdBy`/`updatedBy` are the caller's username", CLIENT),
  a("common/server-managed-fields-in-declarations", "the same fields in a `spec` (pasted from a sample or a response) are accepted and ignored; a name field there (`policyName`, `name`, `profileName`) must equal `metadata.name`", DECL),
  a("values/centralizedpolicy-policytype", "CentralizedPolicy.policyType (known): `CICD`", DECL),
  a("values/centralizedpolicy-policymode", "CentralizedPolicy.policyMode (known): `INACTIVE`", DECL),
  a("values/centralizedpolicy-rule-action", "CentralizedPolicy.rule.action (known): `PASS`, `ALLOW`", DECL),
  a("values/runtimepolicy-policymode", "RuntimePolicy.policyMode (known): `INACTIVE`, `PERMISSIVE`", DECL),
  a("values/runtimepolicy-rule-action", "RuntimePolicy.rule.action (known): `ALLOW`", DECL),
  a("values/runtimepolicy-defaultaction", "RuntimePolicy.defaultAction (known): `ALLOW`, `DENY` (the three default-action fields)", DECL),
  a("values/exception-reason", "Exception.reason (known): `FALSE_POSITIVE`, `COMPENSATING_CONTROL`, `OTHER`", DECL),
  a("values/exception-scope", "Exception.scope (known): `CONTAINER`", DECL),
  a("values/acceptvalues-keys", "acceptValues keys (—): a key must name a known set (not a closed or open one, which is an error at its line); a value already known is an error at its line", DECL),
  a("centralized-policy/list", "`GET ?pageNumber=&pageSize=` → `{data: [summary], count}`; a summary has `uuid`, `policyName`, `policyType`, `policyMode`, `description`, `isDefault`, `createdBy`, `created`, `updatedBy`, `updated`, `version`, no rules, filters or tags", { type: 'list', kind: 'CentralizedPolicy' }),
  a("centralized-policy/delete", "`DELETE /{uuid}` → 200, no body", WRITE),
  a("centralized-policy/rule-action-optional", "`action` is optional", DECL),
  a("centralized-policy/tag-id-form", "a digit id is sent as a number, any other as a string; compared as text, as a set; tag objects or a `tags` array are read by their `id`", DECL),
  a("centralized-policy/k8sfilters-compared", "the list is a set; each entry keeps only the used one of `cluster`/`namespace`", CLIENT),
  a("centralized-policy/update-body-unknown-keys", "keys no kind knows are carried by the PUT", WRITE),
  a("centralized-policy/create-body", "the declared fields only (no default `description`, `tagIds`, `k8sFilters`, `exclusionPolicyRules`); `isDefault: false` only when declared; inside a rule too: the fields the rule declares, as written, plus its position (`order`) and `metaData` in the request form; a `kind`, `isEnabled` or `stopProcessing` it leaves out is not sent (a changed rule of a live policy sends the values the plan compared)", WRITE),
  a("centralized-policy/put-target", "the path uuid is the object updated; a different body `uuid` (as in the sample) is ignored", WRITE),
  a("centralized-policy/default-policy-simulator", "one policy with `isDefault: true` exists (`Default Centralized Policy`, uuid `5c5f3b2e-0d7a-4c61-9a56-8b0d1f6c0001`, created by `System`, no rules); PUT or DELETE on it answers 400", SIM),
  a("centralized-policy/default-policy-client", "a policy with `isDefault: true` is never changed or pruned", { type: 'protected-exists', kind: 'CentralizedPolicy' }),
  a("centralized-policy/isdefault-declared", "`isDefault` may be declared only `false`", DECL),
  a("centralized-policy/rule-defaults", "a rule omitting `kind` is `IMAGE_SECURITY`, omitting `isEnabled` is enabled, omitting `stopProcessing` does not stop, omitting `sortOrder`/`order` takes its position; `description` reads as `\"\"` when absent", CLIENT),
  a("centralized-policy/rules-compared", "`centralizedPolicyRules[]` on `name`, `type`, `action`, `kind`, `isEnabled`, `stopProcessing`, `sortOrder`, `metaData`, ordered by `sortOrder` then position; other keys of a live rule are carried by every write of a rule of the same name", CLIENT),
  a("centralized-policy/exclusionpolicyrules", "taken to be rules of the same shape", CLIENT),
  a("centralized-policy/version-simulator", "1 on create, +1 on every PUT; the `version` sent is not checked", SIM),
  a("centralized-policy/simulator-store", "the simulator stores a PUT's or POST's body as sent, `order` read as `sortOrder`, `tagIds` `[]` and `null` both as `null`", SIM),
  a("runtime-policy/details", "`GET /{id}` → the summary plus `rules[]` (camelCase: `id`, `name`, `ruleType`, `action`, `program`, `file`, `ipAddress`, `port`, `syscall`, `syscallGroup`, `arg1`–`arg3`, `inactive`)", { type: 'details', kind: 'RuntimePolicy' }),
  a("runtime-policy/default-actions", "`defaultNetworkAction`, `defaultExecuteAction`, `defaultFileAction`, `ignoredSyscalls` are compared only when declared, sent only when declared (or carried when live); no value is assumed for an absent one", CLIENT),
  a("runtime-policy/create-update", "`POST` → `{\"id\"}`; `PUT /{id}` → 200 with the same `{\"id\"}`; bodies are the camelCase policy with `rules[]`", WRITE),
  a("runtime-policy/update-body", "the live details (keys no kind knows included) without `id`, `created`, `updated`, with the changed fields replaced; a rule that does not change is sent as read, a changed one as declared, keeping its live `id`", WRITE),
  a("runtime-policy/v1-2-mode", "the integer `Mode` reads as `ACTIVE` (0), `INACTIVE` (1), `PERMISSIVE` (2)", CLIENT),
  a("runtime-policy/v1-2-path-simulator", "`/v1.2/runtime/policies` is served with the PascalCase forms; `SyscallGroup` is stored and read back", SIM),
  a("runtime-policy/delete-v1-3-path", "the same at `/v1.3/runtime/policies/{id}`", WRITE),
  a("runtime-policy/delete-while-in-use-status", "the refusal is a 409 with a message", WRITE),
  a("runtime-policy/default-policy-protected", "never changed or pruned, listed as protected; the simulator answers 400 to a PUT or DELETE on it", { type: 'protected-exists', kind: 'RuntimePolicy' }),
  a("runtime-policy/file-rule-field", "`file` only on `READ`/`WRITE`", DECL),
  a("runtime-policy/syscall-rule-fields", "`syscall` (required), `syscallGroup`, `arg1`–`arg3` only on `SYSCALL`", DECL),
  a("runtime-policy/rule-fields-required", "a rule needs `name`, `ruleType`, `action`; a network rule `ipAddress`, a file rule `file`", DECL),
  a("runtime-policy/rule-ids-on-put-simulator", "a rule sent back with its `id` keeps it (a repeated id answers 400); a rule without one gets a new 24-hex id", SIM),
  a("runtime-policy/unused-fields-read-back-simulator", "`\"\"` for strings and `0` for `port`; a rule omitting `action` is `DENY`", SIM),
  a("runtime-policy/declared-spellings", "the v1.2 PascalCase rule keys of the 1.7 samples are accepted as spellings of the camelCase ones (not both in one rule); `ID`/`DateCreated`/`DateUpdated` are ignored", DECL),
  a("runtime-policy/ignoredsyscalls", "lower-case names without repeats, compared as a set", DECL),
  a("exception/update-path", "`PUT /{exceptionId}` → 200 `{\"exceptionId\"}`", WRITE),
  a("exception/update-fallback", "a `PUT /{exceptionId}` answered 404 or 405 is sent once more as `PUT /exception` with the `exceptionId` in the body, and that form is kept for the run; the simulator serves both (fault `exceptionPutByBody` refuses the first)", WRITE),
  a("exception/details-without-includeqids-simulator", "`qids` are left out", SIM),
  a("exception/list", "`GET ?pageNumber=&pageSize=` → `{data, count}`", { type: 'list', kind: 'Exception' }),
  a("exception/list-items-simulator", "list items carry the detail fields; with the `listSummary` fault they lack `entityAssignmentType`, `dynamicFilter`, `listId` and `qids`", SIM),
  a("exception/delete", "`DELETE /{exceptionId}` → 200, no body", WRITE),
  a("exception/exceptiontype-not-read", "never read back, not compared; export writes `VULNERABILITY`", CLIENT),
  a("exception/qids-filled", "the server fills `qids` from the `listId` on create", WRITE),
  a("exception/qids-managed", "`qids` are compared only when declared; a create sends them only when declared; an update carries the live ones", CLIENT),
  a("exception/qids-on-create-simulator", "a created exception without `qids` gets those of its `listId` from a table (seed key `qidLists`; `9b157637-…` → `[90984]`), else `[]`; a PUT without `qids` clears them", SIM),
  a("exception/dynamicfilter-otherwise", "a `dynamicFilter` without `DYNAMIC` is a warning; the simulator stores it", DECL),
  a("exception/filter-syntax", "terms `token:value` joined by and/or, with parentheses and NOT", DECL),
  a("exception/update-body", "the live details (`qids`, `listId`, `dynamicFilter`, `entityAssignmentType` and keys no kind knows included) without `exceptionId`, `createdBy`, `updatedBy`, `created`, `updated`, with the changed fields replaced", WRITE),
  a("exception/body-checks-simulator", "`startDate`/`endDate` required, epoch-ms numbers or digit strings, `endDate` not before `startDate`; `qids` positive integers; a PUT replaces the stored object", SIM),
  a("exception/declarations", "`scope`, `reason`, `startDate`, `endDate` are required; `listId` is a UUID or `null`; `qids` positive integers without repeats, or `null`; `dynamicFilter`, `explanation` may be `null`", DECL),
  a("sensor-profile/authorship-not-sent", "`createdBy`/`updatedBy` are not sent", WRITE),
  a("sensor-profile/update-body", "the live details (keys no kind knows included) without ids, authorship, times and counts, the details' `associatedRegistries`/`associatedSensors` under the request names, with the changed fields replaced", WRITE),
  a("sensor-profile/default-protected", "the client never plans a change to it; the simulator answers 400 to a PUT or DELETE on it", { type: 'protected-exists', kind: 'SensorProfile' }),
  a("sensor-profile/registry-moves", "a declared profile claiming a registry an undeclared live profile holds (Default included) is planned with a warning naming that profile; the simulator moves the registry (no 400)", WRITE),
  a("sensor-profile/ids-read", "`associatedRegistries`/`associatedSensors` (or `…Ids`) are read as plain ids or as objects carrying `registryUuid`/`uuid`/`id`; compared as sets", CLIENT),
  a("sensor-profile/profiletype-null", "`profileType` `null` (the Default profile) reads as `Registry`", CLIENT),
  a("sensor-profile/body-checks-simulator", "`profileType` is `Registry` or absent, another value answers 400; duplicate ids are collapsed; a PUT replaces the stored profile", SIM),
  a("sensor-profile/listings-simulator", "`/associate` lists known sensors no profile other than Default holds; `sensorProfileId` is not required", SIM),
  a("sensor-profile/declarations", "registry and sensor ids are UUIDs without repeats; the details' names `associatedRegistries`/`associatedSensors` are accepted as spellings", DECL),
  a("sensor-profile/names-instead-of-ids", "a declaration may list `associatedRegistries` by Registry name, `registryUri` or id, and `associatedSensors` by hostname or id. Names are resolved at plan time against the declared and live registries (`GET /v1.3/registry`) and the sensors a profile may use (`GET /v1.3/sensorProfile/associate`, read only when a hostname is declared) or already holds; the live side reads names from the profile's listings `GET /{id}/registry` (`registryName`, `registryUri`: 001_… \"registryName\": \"reg1\", \"registryUri\": \"https://registry-1.docker.io\") and `GET /{id}/sensor` (`hostname`: 001_… \"hostname\": \"ip-10-82-11-73\"), two calls per profile read in detail. The write sends ids, resolved when it is made", WRITE),
  a("sensor-profile/registry-side-assignment", "1.17: \"You can also directly assign a sensor profile to a registry. When you do this, the profile will be updated to include the new registry.\" The notes name no field: a Registry's `spec.sensorProfile: <name>` is not sent; the declared profile of that name includes the registry (the one write that is documented)", WRITE),
  a("aws-connector/list", "`GET /v1.3/registry/aws/connectors`, a bare array of `{name, arn, description, accountType}` (003_…), read in one call without paging (the notes show no paging parameters); the connector's key is its `name` (no id is shown); a detail read is the list searched by name", { type: 'list', kind: 'AwsConnector' }),
  a("aws-connector/update-delete", "none documented (003_… lists \"Create a new AWS connector\" and two fetches only): a declared connector that differs is a manual change, never written; `--prune` never deletes one; the simulator answers 405", WRITE),
  a("aws-connector/externalid", "in the create body (\"externalId The externalId of your organization\") but in no read: write-only (sent on create, never compared); required by the simulator, as the table does not mark it optional (only `description` is \"(Optional)\")", CLIENT),
  a("aws-connector/permissions", "the simulator names them `CS.REGISTRY.<VIEW|CREATE>` for connectors and registries", SIM),
  a("registry/create", "`POST /v1.3/registry` with `{aws: {accountId, arn, region, accountType}, credentialType, registryType, registryUri}` → `{\"registryUuid\"}` (003_…) *(notes)*; the client adds `registryName` (1.17: \"Now you can give your registry a name\"; the name the profile's registry list prints: `\"registryName\": \"reg1\"`)", WRITE),
  a("registry/update", "`PUT /v1.3/registry/{registryId}` with the same body (\"Returns the same registry ID with response code 200\"); the simulator answers `{registryUuid}`. A PUT replaces the registry: it carries every live field no read form covers (`dockerHubOrg`, `providerType`, `gcpProjectId`, `acrConnectorId`, unknown keys) and every write-only field from the declaration; never the server's counts and times (`repoCount`, `total…`, `lastScanned`, `scheduleStatusList`, `created`, `updated`) nor the flat read forms (`awsAccountId`, `awsRegion`, sent nested under `aws`)", WRITE),
  a("registry/list", "`GET /v1.3/registry?pageNumber=&pageSize=` → `{data, count}` with items of the details' `data[0]` shape, complete (no detail reads)", { type: 'list', kind: 'Registry', complete: true }),
  a("registry/delete", "`DELETE /v1.3/registry/{id}` → 200, no body; the simulator refuses (400) a registry a sensor profile still lists, and the client never prunes one (it reads the profiles in detail before a prune deletes a registry)", WRITE),
  a("registry/name", "sent and read as `registryName`; a registry made before names existed (the 003 details have none) is matched and exported by its `registryUri`", DECL),
  a("registry/write-only", "`aws.arn`, `aws.accountType`, `credentialType`, `username`, `password`, `token` are never read back (003_… details show none of them): never compared, sent on create, carried from the declaration by every update; `apply --replace-credentials Registry/NAME` sends them when nothing compared differs", WRITE),
  a("registry/govcloud", "\"Be sure to specify a GovCloud region when using accountType US_Gov\" (003_…): a `us-gov-…` region requires `US_Gov` and `US_Gov` a `us-gov-…` region (the reverse is our reading) — checked by validate and the simulator", DECL),
  a("registry/ecr-uri", "an AWS `registryUri` is `https://<accountId>.dkr.ecr.<region>.amazonaws.com` (every 003 sample has that form), compared without a trailing slash, host case-insensitively", DECL),
  a("registry/validate", "`POST /v1.3/registry/validate` with the body a create or update would send (\"validate if a registry already exists, whether AWS/Azure/GCP account ID exists, if the credentials provided are correct\"), answered 200 or an error: the plan asks it before every registry create and update, a 4xx answer is a refusal shown at the declaration (403/404/405: the check is not offered, the write reports it); it stores nothing, so the client retries it like a read. The simulator refuses what a create would (unique URI and name, required fields, GovCloud, ECR URI), an ARN of another account, and an ARN listed in the seed's `awsDeniedArns` (a role the account cannot assume)", WRITE),
  a("registry/connector-by-name", "a declaration's `aws.connector` names an AwsConnector (declared, else live): its `arn` and `accountType` (`null` = `Global`) are sent, and `accountId` is the ARN's account", DECL),
  a("registry/non-aws-types", "`registryType` is open (the notes print `AWS` and `DockerHub`, and name Azure and GCP accounts): another value is a warning. Their credentials are sent as top-level `username`, `password` or `token` with the declared `credentialType` (e.g. `BasicAuth`)", DECL),
  a("secret-rule/list-complete", "list items carry what the details carry (no detail call in a plan)", { type: 'list', kind: 'SecretRule', complete: true }),
  a("secret-rule/secretdetector-fallback", "on 404 the client uses `/v1.3/secretDetector` for the rest of the run", { type: 'path-probe' }),
  a("secret-rule/path-probe", "the client sends `GET {path}?pageNumber=1&pageSize=1`; any answer but 404 (a 403 included) selects the path", { type: 'path-probe' }),
  a("secret-rule/bulk-limit", "at most 100 ids a call", WRITE),
  a("secret-rule/grouping", "status-only changes go into `bulkUpdate` calls, one a target status; a rule whose severity changes gets the single PUT", CLIENT),
  a("secret-rule/updated-on-put-simulator", "`updated` (epoch-ms number) and `updatedBy` change on PUT and bulkUpdate", SIM),
  a("secret-rule/bulk-details-simulator", "an unknown id answers 404 naming it and changes nothing; duplicate ids are collapsed; the answer lists the ids sorted", SIM),
  a("secret-rule/no-create-delete-simulator", "`POST` and `DELETE /{ruleId}` answer 405", SIM),
  a("secret-rule/built-in-rules-simulator", "every account has the same 65 system rules with stable uuids (those shown in the notes included)", SIM),
  a("secret-rule/name", "the natural key is `secretDetector`; `spec.ruleUuid`, when given, wins", CLIENT),
  a("secret-rule/declarations", "`spec` holds only `status`, `severity` and an optional `ruleUuid`, at least one of the first two", DECL),
  a("report-schedule/list", "`GET ?pageNumber=&pageSize=` → `{data: [schedule], count}`", { type: 'list', kind: 'ReportSchedule' }),
  a("report-schedule/details", "`GET /{scheduleUuid}` → one schedule in the read form", { type: 'details', kind: 'ReportSchedule' }),
  a("report-schedule/delete", "`DELETE /{scheduleUuid}` → 200, no body", WRITE),
  a("report-schedule/read-names", "a schedule reads back with the report list's names: `fileFormat` for `format`, `fileZipped` for `zip`, `emailNotification` for the e-mail flag (0/1), `createdAt`, ISO-8601 times with milliseconds", { type: 'fields', kind: 'ReportSchedule', keys: ['fileFormat', 'fileZipped', 'emailNotification'] }),
  a("report-schedule/e-mail-settings-in-a-write", "they are sent under the report list's names", WRITE),
  a("report-schedule/e-mail-settings-in-lists-simulator", "list items carry them; with the `listSummary` fault they are left out (details only)", SIM),
  a("report-schedule/time-order", "`eventEndTime` not before `eventTime`", DECL),
  a("report-schedule/cs-image-vulnerability", "taken as the token of the 'Image Vulnerability' template", DECL),
  a("report-schedule/container-columns", "for `CS_CONTAINER_VULNERABILITY` the known columns are those the samples show; another is a warning", DECL),
  a("report-schedule/recurrence-forms", "`WEEKLY` and `MONTHLY`; a WEEKLY schedule names upper-case days in `selectedDayOfWeeks`; a MONTHLY one `ordinalDayOfMonth` (1–31) or `dayOfWeek` with `ordinalDayOfWeek`; fields that do not apply are not compared", DECL),
  a("report-schedule/create-body", "the declared fields only (with `name` and `\"action\": \"CREATE\"`); no default is sent for a field the declaration leaves out", WRITE),
  a("report-schedule/update-body", "the live details (keys no kind knows included) without `scheduleUuid`, `createdAt`, `createdBy`, `updatedAt`, `updatedBy`, `status`, read names under the request names, with the changed fields replaced; an unchanged field is sent exactly as read", WRITE),
  a("report-schedule/simulator-store", "the simulator stores what a POST or PUT body sends and nothing else (no defaults; `status` is the server's `ACTIVE`)", SIM),
  a("report-schedule/declarations", "`metadata.name` is the schedule's `name`; `action` is accepted (only `CREATE`) and never compared; `templateName`, `reportScheduleDetails` and `eventTime` are required", DECL),
  a("report-schedule/permissions-simulator", "`CS.REPORT.<VIEW|CREATE|UPDATE|DELETE>`", SIM),
];
