// Small body checks shared by the routes; each failure is a 400 naming the field.
import { badRequest } from './errors.js';
import type { Json } from './types.js';

export function asObject(body: unknown, what = 'request body'): Json {
  if (body === undefined) throw badRequest(`The ${what} is missing: send a JSON object`);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest(`The ${what} must be a JSON object`);
  return body as Json;
}

export function reqString(o: Json, key: string, where = ''): string {
  const v = o[key];
  if (v === undefined || v === null) throw badRequest(`${where}${key} is required`);
  if (typeof v !== 'string') throw badRequest(`${where}${key} must be a string, got ${typeOf(v)}`);
  if (v.trim() === '') throw badRequest(`${where}${key} must not be empty`);
  return v;
}

export function optString(o: Json, key: string, dflt: string, where = ''): string {
  return stringOr(o, key, dflt, where);
}

export function optStringOrNull(o: Json, key: string, where = ''): string | null {
  return stringOr(o, key, null, where);
}

/** A string field, `dflt` when absent or null; any other type is a 400. */
function stringOr<D extends string | null>(o: Json, key: string, dflt: D, where: string): string | D {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string') throw badRequest(`${where}${key} must be a string, got ${typeOf(v)}`);
  return v;
}

export function optBool(o: Json, key: string, dflt: boolean, where = ''): boolean {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'boolean') throw badRequest(`${where}${key} must be a boolean, got ${typeOf(v)}`);
  return v;
}

export function optInt(o: Json, key: string, dflt: number, where = '', min = -Infinity, max = Infinity): number {
  const v = o[key];
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw badRequest(`${where}${key} must be an integer, got ${typeOf(v)}`);
  if (n < min || n > max) throw badRequest(`${where}${key} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function optArray(o: Json, key: string, where = ''): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badRequest(`${where}${key} must be an array, got ${typeOf(v)}`);
  return v;
}

export function optStringArray(o: Json, key: string, where = ''): string[] {
  const arr = optArray(o, key, where);
  arr.forEach((x, i) => {
    if (typeof x !== 'string' || x === '') throw badRequest(`${where}${key}[${i}] must be a non-empty string, got ${typeOf(x)}`);
  });
  return arr as string[];
}

export function oneOf(value: string, allowed: readonly string[], key: string, where = ''): string {
  const up = value.toUpperCase();
  const hit = allowed.find((a) => a.toUpperCase() === up);
  if (!hit) throw badRequest(`${where}${key} must be one of ${allowed.join(', ')}, got "${value}"`);
  return hit;
}

/** Epoch milliseconds given as a number or a string of digits; returned as a string (the wire form). */
export function epochString(o: Json, key: string, required: boolean, where = ''): string | null {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw badRequest(`${where}${key} is required (epoch milliseconds)`);
    return null;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return String(v);
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return v;
  throw badRequest(`${where}${key} must be epoch milliseconds (a number or a string of digits), got ${JSON.stringify(v)}`);
}

export function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
