// HTTPS_PROXY / HTTP_PROXY / NO_PROXY: which proxy the gateway's requests take (the rule EnvHttpProxyAgent
// applies), credentials never shown, and the built CLI's plan going through a recording forward proxy on 127.0.0.1.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassesProxy, proxyFor } from '../../src/api/proxy.js';
import { redact } from '../../src/redact.js';
import { UsageError } from '../../src/errors.js';
import { startSimulator, type SimulatorHandle } from '../../src/simulator/index.js';
import { startForwardProxy, type RecordingProxy } from '../helpers/forward-proxy.js';
import { runCli } from '../helpers/cli.js';

describe('proxyFor', () => {
  const gw = 'https://gateway.qg1.apps.qualys.com';
  it('takes HTTPS_PROXY for an https gateway, else HTTP_PROXY; lower case first; none without either', () => {
    expect(proxyFor(gw, {}).via).toBeUndefined();
    expect(proxyFor(gw, {}).describe).toMatch(/^proxy: none for gateway\.qg1\.apps\.qualys\.com/);
    expect(proxyFor(gw, { HTTPS_PROXY: 'http://upper:3128' }).via).toEqual({ shown: 'http://upper:3128', variable: 'HTTPS_PROXY' });
    expect(proxyFor(gw, { HTTPS_PROXY: 'http://upper:3128', https_proxy: 'http://lower:3128' }).via?.variable).toBe('https_proxy');
    expect(proxyFor(gw, { HTTP_PROXY: 'http://plain:8080' }).via).toEqual({ shown: 'http://plain:8080', variable: 'HTTP_PROXY' });
    // a plain-http (loopback) gateway only takes HTTP_PROXY
    expect(proxyFor('http://127.0.0.1:9000', { HTTPS_PROXY: 'http://p:1' }).via).toBeUndefined();
    expect(proxyFor('http://127.0.0.1:9000', { http_proxy: 'http://p:1' }).via?.variable).toBe('http_proxy');
  });

  it('honours NO_PROXY as EnvHttpProxyAgent does: *, hosts, subdomains, ports; loopback is not exempt by itself', () => {
    expect(bypassesProxy('', '127.0.0.1', 80)).toBe(false);
    expect(bypassesProxy('*', 'x.example', 443)).toBe(true);
    expect(bypassesProxy('qualys.com', 'gateway.qg1.apps.qualys.com', 443)).toBe(true);
    expect(bypassesProxy('.qualys.com', 'gateway.qg1.apps.qualys.com', 443)).toBe(true);
    expect(bypassesProxy('*.qualys.com', 'gateway.qg1.apps.qualys.com', 443)).toBe(true);
    expect(bypassesProxy('notqualys.com', 'qualys.com', 443)).toBe(false);
    expect(bypassesProxy('qualys.com:8443', 'gateway.qualys.com', 443)).toBe(false);
    expect(bypassesProxy('localhost, 127.0.0.1:9000', '127.0.0.1', 9000)).toBe(true);
    const p = proxyFor(gw, { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'apps.qualys.com' });
    expect(p.via).toBeUndefined();
    expect(p.describe).toMatch(/NO_PROXY exempts it/);
    expect(p.noProxy).toBe('apps.qualys.com');
  });

  it('never shows proxy credentials, registers them as secrets, and refuses a bad proxy URL without echoing it', () => {
    const p = proxyFor(gw, { HTTPS_PROXY: 'http://proxyuser:s3cr%40t-pw@proxy.corp:3128' });
    expect(p.via?.shown).toBe('http://[REDACTED]@proxy.corp:3128');
    expect(p.describe).not.toMatch(/s3cr|proxyuser/);
    expect(redact('leaked s3cr@t-pw and s3cr%40t-pw')).toBe('leaked [REDACTED] and [REDACTED]');
    expect(() => proxyFor(gw, { HTTPS_PROXY: 'not a url with secret-value' })).toThrow(UsageError);
    expect(() => proxyFor(gw, { HTTPS_PROXY: 'not a url with secret-value' })).not.toThrow(/secret-value/);
    expect(() => proxyFor(gw, { HTTPS_PROXY: 'ftp://proxy:21' })).toThrow(/http:\/\/ or https:\/\//);
  });
});

describe('the built CLI behind a forward proxy', () => {
  let sim: SimulatorHandle;
  let proxy: RecordingProxy;
  const auth = { username: 'corp-user', password: `proxy-pw-${Date.now()}` };
  beforeAll(async () => {
    sim = await startSimulator();
    proxy = await startForwardProxy({ auth });
  });
  afterAll(async () => {
    await proxy?.close();
    await sim?.close();
  });
  beforeEach(() => {
    sim.clearRequests();
    proxy.requests.length = 0;
    proxy.tunnels.length = 0;
  });
  const env = (extra: Record<string, string>) => ({ QUALYS_USERNAME: sim.credentials.username, QUALYS_PASSWORD: sim.credentials.password, ...extra });
  const proxyUrl = () => `http://${auth.username}:${encodeURIComponent(auth.password)}@127.0.0.1:${proxy.port}`;

  it('sends every request of a plan through HTTP_PROXY (with its credentials), and --debug names the proxy, redacted', async () => {
    const r = await runCli(['plan', 'examples/policies', '--gateway-url', sim.url, '--debug', '--format', 'json'], env({ HTTP_PROXY: proxyUrl(), NO_PROXY: 'example.invalid' }));
    expect(r.stderr).not.toContain(auth.password);
    expect(r.stdout).not.toContain(auth.password);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).digest).toMatch(/^[0-9a-f]{64}$/);
    const host = new URL(sim.url).host;
    expect(r.stderr).toContain(`proxy: ${host} through http://[REDACTED]@127.0.0.1:${proxy.port} (HTTP_PROXY; NO_PROXY=example.invalid)`);
    expect(proxy.refused).toBe(0);
    expect(proxy.tunnels.length).toBeGreaterThan(0);
    expect(new Set(proxy.tunnels)).toEqual(new Set([host]));
    // what the simulator answered is exactly what passed through the proxy
    const seen = proxy.requests.map((q) => `${q.method} ${q.path.replace(/\?.*$/, '')}`).sort();
    const served = sim.requests().map((q) => `${q.method} ${q.path}`);
    expect(served.length).toBeGreaterThan(5);
    expect(served).toContain('POST /auth');
    expect(seen).toEqual([...served].sort());
  });

  it('goes direct when NO_PROXY names the gateway, and says so', async () => {
    const r = await runCli(['plan', 'examples/policies', '--gateway-url', sim.url, '--debug'], env({ http_proxy: proxyUrl(), no_proxy: '127.0.0.1' }));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/proxy: none for 127\.0\.0\.1:\d+ \(no_proxy exempts it; http_proxy is http:\/\/\[REDACTED\]@127\.0\.0\.1:\d+\)/);
    expect(r.stderr).not.toContain(auth.password);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.requests).toEqual([]);
    expect(sim.requests().length).toBeGreaterThan(5);
  });

  it('fails clearly, with no credential shown, when the proxy refuses the credentials', async () => {
    const r = await runCli(['plan', 'examples/policies', '--gateway-url', sim.url], env({ HTTP_PROXY: `http://${auth.username}:wrong-password-x@127.0.0.1:${proxy.port}` }));
    expect(r.code).toBe(1);
    expect(proxy.refused).toBeGreaterThan(0);
    expect(sim.requests()).toEqual([]);
    expect(r.stderr).not.toContain('wrong-password-x');
  });
});
