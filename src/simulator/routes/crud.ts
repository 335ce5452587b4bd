// What the CRUD routes share: the method dispatch on one path (the handler of the request's method, a 405 naming
// the path otherwise), the unique-name rule of creates and updates, and the DELETE every stored kind answers alike.
import { nameTaken } from '../account.js';
import type { Json } from '../types.js';
import { badRequest, SimError } from '../errors.js';
import type { RouteCtx, RouteResult } from '../route-types.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Runs the handler of `ctx.method`; any other method is a 405 `… is not supported on <where>`. */
export function byMethod(ctx: RouteCtx, where: string, handlers: Partial<Record<Method, () => RouteResult>>): RouteResult {
  const handler = Object.hasOwn(handlers, ctx.method) ? handlers[ctx.method as Method] : undefined;
  if (!handler) throw new SimError(405, `${ctx.method} is not supported on ${where}`);
  return handler();
}

/** DELETE of a stored object: removed, answered 200 with no body. */
export function deleted(map: Map<string, Json>, id: string): RouteResult {
  map.delete(id);
  return { status: 200, mutated: true };
}

/** A 400 `<what> named "<name>" already exists` when another object (not `exceptId`) has `o[nameField]` as its name. */
export function requireUniqueName(map: Map<string, Json>, nameField: string, o: Json, what: string, exceptId?: string): void {
  if (nameTaken(map, nameField, o[nameField] as string, exceptId)) throw badRequest(`${what} named "${o[nameField]}" already exists`);
}
