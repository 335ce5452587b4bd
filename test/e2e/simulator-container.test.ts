// The simulator image in a container: it starts, answers the documented auth and a CS list on 127.0.0.1,
// records the requests, runs as an unprivileged user, the CLI validates the examples, and stopping removes it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  DEMO_USER,
  containerExists,
  describeWithEngine,
  engineStatus,
  inspectContainer,
  runCli,
  startSimulator,
  type StartedSimulator,
} from './harness.js';

const engine = await engineStatus();

async function token(url: string, password = DEMO_USER.password): Promise<Response> {
  return fetch(`${url}/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: DEMO_USER.username, password, token: 'true' }).toString(),
  });
}

describeWithEngine('simulator container', engine, () => {
  let sim: StartedSimulator;
  let stopped = false;

  beforeAll(async () => {
    sim = await startSimulator();
  });
  afterAll(async () => {
    if (sim && !stopped) await sim.stop();
  });

  it('runs the image as uid/gid 65534 on the host network', async () => {
    const info = await inspectContainer(sim.containerId);
    expect(info.Config.User).toBe('65534:65534');
    expect(info.HostConfig.NetworkMode).toBe('host');
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('authenticates with the demo user and refuses a wrong password', async () => {
    const bad = await token(sim.url, 'not-the-password');
    expect(bad.status).toBe(401);
    await bad.body?.cancel();
    const ok = await token(sim.url);
    expect(ok.status).toBe(201);
    const jwt = await ok.text();
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]*$/);
  });

  it('lists the built-in secret rules and records the calls without the password', async () => {
    const jwt = await (await token(sim.url)).text();
    const res = await fetch(`${sim.url}/csapi/v1.3/secretrule?pageNumber=1&pageSize=250`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { data: Array<{ ruleUuid: string; status: string }>; count: number | string };
    expect(body.data.length).toBeGreaterThan(0);
    expect(Number(body.count)).toBe(body.data.length);
    for (const r of body.data) expect(r.ruleUuid).toEqual(expect.any(String));

    const unauth = await fetch(`${sim.url}/csapi/v1.3/secretrule`);
    expect(unauth.status).toBe(401);
    await unauth.body?.cancel();

    const recorded = await sim.requests();
    const list = recorded.filter((r) => r.method === 'GET' && r.path === '/csapi/v1.3/secretrule');
    expect(list.map((r) => r.status)).toEqual([200, 401]);
    expect(list[0]!.query).toMatchObject({ pageNumber: '1', pageSize: '250' });
    expect(list[0]!.user).toBe(DEMO_USER.username);
    const auths = recorded.filter((r) => r.method === 'POST' && r.path === '/auth');
    expect(auths.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(recorded)).not.toContain(DEMO_USER.password);
  });

  it('validates examples/policies with the built CLI without calling the API', async () => {
    const before = (await sim.requests()).length;
    const r = await runCli(['validate', 'examples/policies'], sim.cliEnv);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await sim.requests()).length).toBe(before);
  });

  it('stops on SIGTERM and the container is removed', async () => {
    const id = sim.containerId;
    expect(await containerExists(id)).toBe(true);
    const exitCode = await sim.stop();
    stopped = true;
    expect(exitCode).toBe(0); // 137 would mean it ignored SIGTERM and was killed
    expect(await containerExists(id)).toBe(false);
    await expect(fetch(`${sim.url}/csapi/v1.3/secretrule`)).rejects.toThrow();
  });
});
