// The simulator's HTTP plumbing: request bodies read with a size limit, connections reset (the `reset` fault), and
// request bodies as the request log records them (never a password).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export const MAX_BODY = 5 * 1024 * 1024;

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function resetSocket(socket: Socket | null | undefined): void {
  if (!socket) return;
  const s = socket as Socket & { resetAndDestroy?: () => void };
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}

export function parseForRecord(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Form fields of /auth without the password. */
export function authBodyForRecord(text: string): unknown {
  if (text.trim() === '') return undefined;
  const form = Object.fromEntries(new URLSearchParams(text));
  delete form['password'];
  return form;
}
