// What a kind's route module receives and returns.
import type { KindName } from '../types.js';
import type { Account } from './account.js';
import type { SeedAccount } from './types.js';

export interface RouteCtx {
  method: string;
  /** Path segments after the kind's base path (e.g. ['abc-123'] for /v1.3/exception/abc-123). */
  rest: string[];
  query: URLSearchParams;
  body: unknown;
  /** Username of the caller. */
  user: string;
  now: number;
  account: Account;
  pageSizeCap: number;
}

export interface RouteResult {
  status: number;
  /** JSON body; undefined for an empty body. */
  body?: unknown;
  /** The call created an object (subject to the lose-create-answer fault). */
  created?: boolean;
  /** The call changed the account (persisted when a state file is set). */
  mutated?: boolean;
}

export interface KindRoutes {
  kind: KindName;
  /** Permission family in the 403 message: CS.<permission>.<VIEW|CREATE|UPDATE|DELETE>. */
  permission: string;
  /** Base paths under /csapi, as segments. */
  bases: string[][];
  handle(ctx: RouteCtx, base: string[]): RouteResult;
  /** The top-level seed keys this route reads and dumps (e.g. `exceptions`); a seed key no route names is refused. */
  seedKeys: readonly string[];
  /** Fills a fresh account with the kind's system objects, then the seed's entries (a bad one throws SeedError). */
  seed(account: Account, seed: SeedAccount, now: number): void;
  /** The kind's part of the account in seed format (the objects in their read representation). */
  dump(account: Account): SeedAccount;
  /** The fields the notes show only in the kind's details, left out of its list items under the `listSummary`
   * fault (a list item is a summary). Undefined: its list items are already summaries, or the notes show them whole. */
  readonly detailOnly?: readonly string[];
}
