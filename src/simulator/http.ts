// The simulator's HTTP plumbing: request bodies read with a size limit, answers written, connections reset (the
// `reset` fault), and request bodies as the request log records them (never a password).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** One answer, before it is written. */
export interface Answer {
  status: number;
  body?: unknown;
  /** Raw text body (the /auth token). */
  text?: string;
  headers?: Record<string, string>;
}

/** Writes `a`: a text body as text/plain, any other body as JSON, with its Content-Length. */
export function writeAnswer(res: ServerResponse, a: Answer): void {
  const headers: Record<string, string> = { ...a.headers };
  let payload = '';
  if (a.text !== undefined) {
    payload = a.text;
    headers['Content-Type'] = 'text/plain;charset=UTF-8';
  } else if (a.body !== undefined) {
    payload = JSON.stringify(a.body);
    headers['Content-Type'] = 'application/json';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  res.writeHead(a.status, headers);
  res.end(payload);
}

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
