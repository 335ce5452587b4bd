// The Action's inputs, read once. Secrets are masked (runner log masking and our own redaction) the moment
// they are read, before anything else can print. Defaults mirror action.yml, because a plain `node dist/index.js`
// (tests, local runs) gets no defaults from the runner.
import * as core from '@actions/core';
import { UsageError } from '../errors.js';
import { registerSecret } from '../redact.js';

export type Command = 'plan' | 'apply' | 'auto';

export interface ActionInputs {
  command: Command;
  paths: string[];
  gatewayUrl?: string;
  platform?: string;
  username?: string;
  password?: string;
  token?: string;
  prune: boolean;
  maxDeletes: number;
  parallelism: number;
  comment: boolean;
  githubToken?: string;
  detailedExitcode: boolean;
  /** An environment of the project file (qcs-gitops.yaml): its gateway, credentials' variables, paths and values. */
  environment?: string;
  /** The project file, when not qcs-gitops.yaml in the working directory. */
  config?: string;
  /** True when `path` was given (else the environment's paths, or `policies`). */
  pathsGiven: boolean;
  /** Any governance finding fails the step (else findings are annotations and a section of the plan only). */
  strict: boolean;
}

/** Masks a secret in the runner log and in everything qcs-gitops prints or writes. */
export function maskSecret(value: string | undefined): void {
  if (!value) return;
  core.setSecret(value);
  registerSecret(value);
}

/** Reads every secret input (and the QUALYS_* secrets of the environment) and masks them: call first. */
export function maskSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of ['password', 'token', 'github-token']) maskSecret(core.getInput(name, { trimWhitespace: false }) || undefined);
  maskSecret(env.QUALYS_PASSWORD);
  maskSecret(env.QUALYS_TOKEN);
}

function optional(name: string): string | undefined {
  const v = core.getInput(name);
  return v === '' ? undefined : v;
}

export function parseBoolean(name: string, raw: string, fallback: boolean): boolean {
  const v = raw.trim().toLowerCase();
  if (v === '') return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new UsageError(`input '${name}' must be true or false (got '${raw}')`);
}

export function parseCount(name: string, raw: string, fallback: number, min: number): number {
  const v = raw.trim();
  if (v === '') return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`input '${name}' must be a whole number ≥ ${min} (got '${raw}')`);
  return n;
}

export function parseCommand(raw: string): Command {
  const v = raw.trim().toLowerCase() || 'auto';
  if (v === 'plan' || v === 'apply' || v === 'auto') return v;
  throw new UsageError(`input 'command' must be plan, apply or auto (got '${raw}')`);
}

/** Paths: one a line (or separated by commas). */
export function parsePaths(raw: string): string[] {
  const paths = raw
    .split(/[\n,]/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return paths.length > 0 ? paths : ['policies'];
}

export function readInputs(): ActionInputs {
  return {
    command: parseCommand(core.getInput('command')),
    paths: parsePaths(core.getInput('path')),
    pathsGiven: core.getInput('path') !== '',
    environment: optional('environment'),
    config: optional('config'),
    strict: parseBoolean('strict', core.getInput('strict'), false),
    gatewayUrl: optional('gateway-url'),
    platform: optional('platform'),
    username: optional('username'),
    password: core.getInput('password', { trimWhitespace: false }) || undefined,
    token: optional('token'),
    prune: parseBoolean('prune', core.getInput('prune'), false),
    maxDeletes: parseCount('max-deletes', core.getInput('max-deletes'), 10, 0),
    parallelism: parseCount('parallelism', core.getInput('parallelism'), 4, 1),
    comment: parseBoolean('comment', core.getInput('comment'), true),
    githubToken: core.getInput('github-token', { trimWhitespace: false }) || undefined,
    detailedExitcode: parseBoolean('detailed-exitcode', core.getInput('detailed-exitcode'), false),
  };
}
