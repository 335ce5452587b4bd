// Permissions: the read-only user and a user without any permission on one kind get the documented 403 body.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { call, login, VIEWER } from './helpers.js';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ users: [{ username: 'no-exceptions', password: 'pw-no-exceptions', denyKinds: ['Exception'] }] });
});
afterAll(() => sim.close());

const FORBIDDEN = /^The (\S+) user does not have the CS\.[A-Z_]+\.(VIEW|CREATE|UPDATE|DELETE) permission to perform this operation\. Ensure that required permissions are assigned to the user$/;

describe('roles', () => {
  it('lets the read-only user read every kind and refuses every POST/PUT/DELETE with the 403 body', async () => {
    const token = await login(sim.url, VIEWER);
    for (const p of ['/v1.3/centralizedPolicy', '/v1.3/runtime/policies', '/v1.3/exception', '/v1.3/sensorProfile', '/v1.3/secretrule']) {
      expect((await call(sim.url, 'GET', `/csapi${p}?pageNumber=1&pageSize=5`, { token })).status).toBe(200);
    }
    const cases: [string, string, string][] = [
      ['POST', '/v1.3/exception', 'CS.EXCEPTION.CREATE'],
      ['POST', '/v1.3/centralizedPolicy', 'CS.CENTRALIZED_POLICY.CREATE'],
      ['PUT', '/v1.3/secretrule/c6c4165e-c960-11ed-afa1-0242ac120002', 'CS.SECRET_RULE.UPDATE'],
      ['PUT', '/v1.3/secretrule/bulkUpdate', 'CS.SECRET_RULE.UPDATE'],
      ['DELETE', '/v1.3/sensorProfile/00000000-0000-0000-0000-000000000000', 'CS.SENSOR_PROFILE.DELETE'],
      ['DELETE', '/v1.3/runtime/policies/5e171bef853047000151408e', 'CS.RUNTIME_POLICY.DELETE'],
    ];
    for (const [method, p, perm] of cases) {
      const r = await call(sim.url, method, `/csapi${p}`, { token, body: method === 'DELETE' ? undefined : { name: 'x' } });
      expect(r.status, `${method} ${p}`).toBe(403);
      expect(Object.keys(r.json)).toEqual(['errorCode', 'message', 'timestamp']);
      expect(r.json.errorCode).toBe('403 FORBIDDEN');
      expect(r.json.message).toMatch(FORBIDDEN);
      expect(r.json.message).toContain(`The qcs-viewer user does not have the ${perm} permission`);
      expect(typeof r.json.timestamp).toBe('number');
    }
    const recorded = sim.requests().filter((r) => r.user === 'qcs-viewer' && r.method !== 'GET');
    expect(recorded.every((r) => r.status === 403)).toBe(true);
  });

  it('refuses every call on a denied kind (403) and allows the others', async () => {
    const token = await login(sim.url, { username: 'no-exceptions', password: 'pw-no-exceptions' });
    const r = await call(sim.url, 'GET', '/csapi/v1.3/exception?pageNumber=1&pageSize=50', { token });
    expect(r.status).toBe(403);
    expect(r.json.message).toContain('The no-exceptions user does not have the CS.EXCEPTION.VIEW permission');
    expect((await call(sim.url, 'GET', '/csapi/v1.3/sensorProfile', { token })).status).toBe(200);
    expect((await call(sim.url, 'POST', '/csapi/v1.3/runtime/policies', { token, body: { name: 'allowed' } })).status).toBe(200);
  });
});
