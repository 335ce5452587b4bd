// Users, tokens and permissions of the simulated account.
import { jwtLike } from './ids.js';
import type { KindName } from '../types.js';
import type { SimUser } from './types.js';

export const DEFAULT_USERS: SimUser[] = [
  { username: 'qcs-demo', password: 'qcs-demo-password' },
  { username: 'qcs-viewer', password: 'qcs-viewer-password', readOnly: true },
];

export const TOKEN_TTL_MS = 4 * 60 * 60 * 1000;

export type Action = 'VIEW' | 'CREATE' | 'UPDATE' | 'DELETE';

export function actionOf(method: string): Action {
  switch (method) {
    case 'POST':
      return 'CREATE';
    case 'PUT':
    case 'PATCH':
      return 'UPDATE';
    case 'DELETE':
      return 'DELETE';
    default:
      return 'VIEW';
  }
}

export class Auth {
  private readonly users = new Map<string, SimUser>();
  private readonly tokens = new Map<string, { username: string; expires: number }>();

  constructor(
    extra: SimUser[] = [],
    private readonly ttlMs = TOKEN_TTL_MS,
  ) {
    for (const u of [...DEFAULT_USERS, ...extra]) this.users.set(u.username, u);
  }

  /** A new token for valid credentials, undefined otherwise. */
  login(username: string, password: string, now: number): string | undefined {
    const u = this.users.get(username);
    if (!u || u.password !== password) return undefined;
    const token = jwtLike(username, now, now + this.ttlMs);
    this.tokens.set(token, { username, expires: now + this.ttlMs });
    return token;
  }

  /** The user of a bearer token, or why it is refused. */
  check(authorization: string | undefined, now: number): { user: SimUser } | { error: string } {
    if (!authorization) return { error: 'Authorization header is missing: send Authorization: Bearer <token> from POST /auth' };
    const basic = /^Basic\s+(\S+)\s*$/i.exec(authorization);
    if (basic) {
      // The older (v1.2) samples use Basic auth; accepted for the same users.
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const sep = decoded.indexOf(':');
      const u = sep > 0 ? this.users.get(decoded.slice(0, sep)) : undefined;
      if (!u || u.password !== decoded.slice(sep + 1)) return { error: 'Invalid username or password in the Basic Authorization header' };
      return { user: u };
    }
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!m) return { error: 'Authorization must be a Bearer token from POST /auth' };
    const t = this.tokens.get(m[1]!);
    if (!t) return { error: 'The token is invalid: authenticate again with POST /auth' };
    if (t.expires <= now) return { error: 'The token has expired: authenticate again with POST /auth' };
    const user = this.users.get(t.username);
    if (!user) return { error: 'The token is invalid: authenticate again with POST /auth' };
    return { user };
  }

  expireAll(): void {
    for (const t of this.tokens.values()) t.expires = 0;
  }

  /** The 403 message when `user` may not do `action` on `kind`; undefined when allowed. */
  deny(user: SimUser, kind: KindName, permission: string, action: Action): string | undefined {
    const lacks = user.denyKinds?.includes(kind) || (user.readOnly === true && action !== 'VIEW');
    if (!lacks) return undefined;
    return `The ${user.username} user does not have the CS.${permission}.${action} permission to perform this operation. Ensure that required permissions are assigned to the user`;
  }
}
