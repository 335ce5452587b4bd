// The contract between the kind modules and the HTTP client (src/api/client.ts implements it).

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body (serialized by the client). */
  body?: unknown;
  /** Extra headers (never Authorization: the client adds it). */
  headers?: Record<string, string>;
}

export type ListShape = 'data' | 'array' | 'content';

export interface ListOptions {
  query?: Record<string, string | number | boolean | undefined>;
  /** Page size to ask for; default 250 (the largest the API documents). */
  pageSize?: number;
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
  /** Counts of calls made so far, for benchmarks and tests. */
  readonly stats: { calls: number; retries: number };
  close(): Promise<void>;
}
