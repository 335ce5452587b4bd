// Id generators: UUIDs (most kinds), 24-hex Mongo-style ObjectIds (runtime policies and rules), JWT-looking tokens.
import { randomBytes, randomUUID } from 'node:crypto';

export function uuid(): string {
  return randomUUID();
}

const processPart = randomBytes(5).toString('hex');
let counter = randomBytes(3).readUIntBE(0, 3);

/** A 24-hex ObjectId: 4 bytes of seconds, 5 bytes of process, 3 bytes of counter. */
export function objectId(nowMs: number): string {
  counter = (counter + 1) % 0xffffff;
  const secs = Math.floor(nowMs / 1000).toString(16).padStart(8, '0').slice(-8);
  return secs + processPart + counter.toString(16).padStart(6, '0');
}

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/** A token that looks like a JWT (header.payload.signature) but is only an opaque key for the simulator. */
export function jwtLike(username: string, issuedMs: number, expiresMs: number): string {
  const header = b64url(JSON.stringify({ alg: 'HS512', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({ sub: username, iss: 'qcs-simulator', iat: Math.floor(issuedMs / 1000), exp: Math.floor(expiresMs / 1000), jti: randomUUID() }),
  );
  return `${header}.${payload}.${b64url(randomBytes(32))}`;
}

export const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
