// POST /auth and the Bearer token on every /csapi call.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { call, DEMO, login } from './helpers.js';

let sim: SimulatorHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

async function auth(url: string, body: string, method = 'POST') {
  return call(url, method, '/auth', { raw: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
}

describe('POST /auth', () => {
  it('answers 201 with a JWT-looking raw body for the demo user', async () => {
    sim = await startSimulator();
    const r = await auth(sim.url, form({ username: DEMO.username, password: DEMO.password, token: 'true' }));
    expect(r.status).toBe(201);
    expect(r.text).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const payload = JSON.parse(Buffer.from(r.text.split('.')[1]!, 'base64url').toString());
    expect(payload.sub).toBe('qcs-demo');
    expect(payload.exp - payload.iat).toBe(4 * 3600);
    expect(sim.credentials).toEqual(DEMO);
  });

  it('answers 401 with the error body for wrong credentials, 400 for missing fields, 405 for GET', async () => {
    sim = await startSimulator();
    const wrong = await auth(sim.url, form({ username: DEMO.username, password: 'nope', token: 'true' }));
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ errorCode: '401 UNAUTHORIZED', message: expect.any(String), timestamp: expect.any(Number) });
    const unknown = await auth(sim.url, form({ username: 'mallory', password: 'x', token: 'true' }));
    expect(unknown.status).toBe(401);
    expect((await auth(sim.url, form({ username: DEMO.username }))).status).toBe(400);
    expect((await call(sim.url, 'GET', '/auth')).status).toBe(405);
  });
});

describe('Bearer tokens on /csapi', () => {
  it('refuses a missing, malformed or unknown token with 401 and accepts a valid one', async () => {
    sim = await startSimulator();
    const path = '/csapi/v1.3/exception';
    const missing = await call(sim.url, 'GET', path);
    expect(missing.status).toBe(401);
    expect(missing.json.errorCode).toBe('401 UNAUTHORIZED');
    expect((await call(sim.url, 'GET', path, { headers: { authorization: 'Token abc' } })).status).toBe(401);
    expect((await call(sim.url, 'GET', path, { token: 'eyJ.forged.token' })).status).toBe(401);
    const token = await login(sim.url);
    expect((await call(sim.url, 'GET', path, { token })).status).toBe(200);
  });

  it('refuses a token past its lifetime (clock) and after expireTokens(); a new login works', async () => {
    let now = 1_750_000_000_000;
    sim = await startSimulator({ clock: () => now, tokenTtlMs: 60_000 });
    const token = await login(sim.url);
    const path = '/csapi/v1.3/sensorProfile';
    expect((await call(sim.url, 'GET', path, { token })).status).toBe(200);
    now += 60_001;
    const expired = await call(sim.url, 'GET', path, { token });
    expect(expired.status).toBe(401);
    expect(expired.json.message).toMatch(/expired/);
    const fresh = await login(sim.url);
    expect((await call(sim.url, 'GET', path, { token: fresh })).status).toBe(200);
    sim.expireTokens();
    expect((await call(sim.url, 'GET', path, { token: fresh })).status).toBe(401);
  });

  it('accepts Basic auth as the older (v1.2) samples send it', async () => {
    sim = await startSimulator();
    const basic = Buffer.from(`${DEMO.username}:${DEMO.password}`).toString('base64');
    expect((await call(sim.url, 'GET', '/csapi/v1.3/exception', { headers: { authorization: `Basic ${basic}` } })).status).toBe(200);
    const bad = Buffer.from(`${DEMO.username}:wrong`).toString('base64');
    expect((await call(sim.url, 'GET', '/csapi/v1.3/exception', { headers: { authorization: `Basic ${bad}` } })).status).toBe(401);
  });

  it('records requests without the password or the Authorization header', async () => {
    sim = await startSimulator();
    const token = await login(sim.url);
    await call(sim.url, 'GET', '/csapi/v1.3/exception?pageNumber=1', { token });
    const recorded = sim.requests();
    expect(recorded.map((r) => [r.method, r.path, r.status])).toEqual([
      ['POST', '/auth', 201],
      ['GET', '/csapi/v1.3/exception', 200],
    ]);
    expect(recorded[0]!.body).toEqual({ username: DEMO.username, token: 'true' });
    expect(recorded[1]!.query).toEqual({ pageNumber: '1' });
    expect(recorded[1]!.user).toBe(DEMO.username);
    const text = JSON.stringify(recorded);
    expect(text).not.toContain(DEMO.password);
    expect(text).not.toContain(token);
    expect(text.toLowerCase()).not.toContain('authorization');
  });

  it('answers 404 with the error body for unknown paths', async () => {
    sim = await startSimulator();
    const token = await login(sim.url);
    const r = await call(sim.url, 'GET', '/csapi/v1.3/nothing-here', { token });
    expect(r.status).toBe(404);
    expect(r.json.errorCode).toBe('404 NOT_FOUND');
    expect((await call(sim.url, 'GET', '/elsewhere')).status).toBe(404);
  });
});
