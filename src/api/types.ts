// The contract between the kind modules and the HTTP client (src/api/client.ts implements it).

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (serialized by the client). */
  body?: unknown;
  /** Extra headers (never Authorization: the client adds it). */
  headers?: Record<string, string>;
  /** Told the size of the answer's body in bytes (a list's byte budget). */
  onBytes?: (bytes: number) => void;
  /** The call changes nothing although it is a POST (POST /registry/validate): every failure may be retried. */
  safe?: boolean;
}

export type ListShape = 'data' | 'array' | 'content';

export interface ListOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Page size to ask for; default 250 (the largest the API documents). */
  pageSize?: number;
  /** Told each page's items as the page arrives (before the whole list is read), in no particular page order. */
  onPage?: (items: unknown[]) => void;
}

export interface ApiClient {
  /** Base gateway URL (no credentials), e.g. https://gateway.qg1.apps.qualys.com */
  readonly gateway: string;
  /** Performs one call under `/csapi` (path given without the `/csapi` prefix, e.g. `/v1.3/exception`).
   * Returns the parsed JSON body, the raw text when it is not JSON, or undefined for an empty body.
   * Throws ApiError for an error status, NetworkError when the connection fails (with
   * `outcomeUnknown` set when a non-idempotent call may have been carried out). */
  request<T = unknown>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, options?: RequestOptions): Promise<T>;
  /** Every item of a paginated list, whatever its shape (`{data,count}`, a bare array, `{content}`). */
  list<T = Record<string, unknown>>(path: string, options?: ListOptions): Promise<T[]>;
  /** The first of `candidates` that the gateway serves (a GET that does not answer 404), remembered for the run.
   * Used for the secret-rule path (`/v1.3/secretrule`, falling back to `/v1.3/secretDetector`). */
  resolvePath(candidates: string[]): Promise<string>;
  /** The claims of the token in use (fetched first when there is none yet): never the token. The HTTP client has
   * it; test doubles may not. */
  tokenClaims?(): Promise<TokenClaims>;
  /** Counts of calls made so far (every HTTP exchange, retries and /auth included); the HTTP client fills every field,
   * test doubles may count calls and retries only. */
  readonly stats: ApiStats;
  /** A view of this client whose calls are counted under `label` (the engine passes a kind's name), sharing its
   * connections, token, limits and counters. */
  forKind?(label: string): ApiClient;
  close(): Promise<void>;
}

export interface TokenClaims {
  /** Epoch seconds (the JWT's `iat` / `exp`), when the token carries them. */
  issuedAt?: number;
  expiresAt?: number;
  /** A token given as it is (QUALYS_TOKEN), or one fetched from POST /auth with the username/password. */
  source: 'token' | 'password';
}

export interface ApiStats {
  /** HTTP exchanges sent (each try counts; /auth included). */
  calls: number;
  /** Tries after a retryable failure. */
  retries: number;
  /** Exchanges by endpoint: `METHOD /path/template` with ids replaced by `{id}` (no query), e.g. `GET /csapi/v1.3/exception/{id}`. */
  byEndpoint?: Record<string, number>;
  /** Exchanges by the label of the view that made them (a kind's name), `auth` for token requests, `other` when unlabelled. */
  byKind?: Record<string, number>;
  /** Time new calls were held back because the gateway limited the rate (Retry-After on 429/503, an exhausted
   * budget), in ms of wall time (overlapping waits count once). */
  rateLimitWaitMs?: number;
}

/** Replaces the ids in a path by `{id}`: segments that are numbers, UUIDs, or long tokens holding digits. */
export function endpointTemplate(method: string, path: string): string {
  const q = path.indexOf('?');
  const p = q < 0 ? path : path.slice(0, q);
  const segs = p.split('/').map((s) => (/^\d+$/.test(s) || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s) || (/^[A-Za-z0-9_-]{12,}$/.test(s) && /\d/.test(s)) ? '{id}' : s));
  return `${method} ${segs.join('/')}`;
}
