import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { isLoopbackHost, PLATFORMS, resolveTarget } from '../../src/api/config.js';
import { AuthError, UsageError } from '../../src/errors.js';
import { redact } from '../../src/redact.js';

const creds = { QUALYS_TOKEN: 'tok-config-test-1234' };

describe('resolveTarget: gateway', () => {
  it('maps every platform name, case-insensitively', () => {
    expect(Object.keys(PLATFORMS)).toEqual(['US1', 'US2', 'US3', 'US4', 'EU1', 'EU2', 'EU3', 'IN1', 'CA1', 'AE1', 'UK1', 'AU1', 'KSA1']);
    expect(resolveTarget({ platform: 'us1' }, creds).gateway).toBe('https://gateway.qg1.apps.qualys.com');
    expect(resolveTarget({ platform: 'US4' }, creds).gateway).toBe('https://gateway.qg4.apps.qualys.com');
    expect(resolveTarget({ platform: 'eu3' }, creds).gateway).toBe('https://gateway.qg3.apps.qualys.it');
    expect(resolveTarget({ platform: 'Uk1' }, creds).gateway).toBe('https://gateway.qg1.apps.qualys.co.uk');
    expect(resolveTarget({ platform: 'AU1' }, creds).gateway).toBe('https://gateway.qg1.apps.qualys.com.au');
    expect(resolveTarget({ platform: 'ksa1' }, creds).gateway).toBe('https://gateway.qg1.apps.qualysksa.com');
    const t = resolveTarget({}, { ...creds, QUALYS_PLATFORM: 'ca1' });
    expect(t.gateway).toBe('https://gateway.qg1.apps.qualys.ca');
    expect(t.platform).toBe('CA1');
    expect(t.host).toBe('gateway.qg1.apps.qualys.ca');
  });

  it('rejects an unknown platform, listing the valid ones', () => {
    const e = catchErr(() => resolveTarget({ platform: 'US9' }, creds));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('US9');
    expect((e as UsageError).hint).toContain('KSA1');
  });

  it('strips a trailing slash and a trailing /csapi', () => {
    expect(resolveTarget({ gatewayUrl: 'https://gw.example.com/' }, creds).gateway).toBe('https://gw.example.com');
    expect(resolveTarget({ gatewayUrl: 'https://gw.example.com/csapi/' }, creds).gateway).toBe('https://gw.example.com');
    expect(resolveTarget({ gatewayUrl: 'https://gw.example.com/prefix/csapi' }, creds).gateway).toBe('https://gw.example.com/prefix');
    expect(resolveTarget({ gatewayUrl: 'https://gw.example.com:8443' }, creds).host).toBe('gw.example.com:8443');
  });

  it('accepts a URL given as --platform or QUALYS_PLATFORM', () => {
    expect(resolveTarget({ platform: 'https://gw.example.com' }, creds).gateway).toBe('https://gw.example.com');
  });

  it('lets flags win over environment variables', () => {
    const env = { ...creds, QUALYS_GATEWAY_URL: 'https://env.example.com', QUALYS_PLATFORM: 'https://env.example.com' };
    expect(resolveTarget({ gatewayUrl: 'https://flag.example.com' }, env).gateway).toBe('https://flag.example.com');
    expect(resolveTarget({ platform: 'US2' }, env).gateway).toBe('https://gateway.qg2.apps.qualys.com');
    expect(resolveTarget({}, env).gateway).toBe('https://env.example.com');
  });

  it('refuses two flags, or env variables that disagree', () => {
    expect(() => resolveTarget({ gatewayUrl: 'https://a.example.com', platform: 'US1' }, creds)).toThrow(UsageError);
    expect(() => resolveTarget({}, { ...creds, QUALYS_GATEWAY_URL: 'https://a.example.com', QUALYS_PLATFORM: 'US1' })).toThrow(/disagree/);
  });

  it('says which variable or flag to set when no gateway is given', () => {
    const e = catchErr(() => resolveTarget({}, creds));
    expect(e).toBeInstanceOf(UsageError);
    expect(`${e.message} ${(e as UsageError).hint}`).toMatch(/QUALYS_GATEWAY_URL.*QUALYS_PLATFORM.*--gateway-url/);
  });

  it('accepts plain http only for loopback hosts', () => {
    expect(resolveTarget({ gatewayUrl: 'http://127.0.0.1:8080' }, creds).gateway).toBe('http://127.0.0.1:8080');
    expect(resolveTarget({ gatewayUrl: 'http://127.1.2.3:8080/' }, creds).gateway).toBe('http://127.1.2.3:8080');
    expect(resolveTarget({ gatewayUrl: 'http://localhost:9' }, creds).gateway).toBe('http://localhost:9');
    expect(resolveTarget({ gatewayUrl: 'http://[::1]:9' }, creds).gateway).toBe('http://[::1]:9');
    for (const url of ['http://gateway.qg1.apps.qualys.com', 'http://10.0.0.1', 'http://128.0.0.1', 'http://localhost.evil.com', 'http://127.0.0.1.nip.io']) {
      const e = catchErr(() => resolveTarget({ gatewayUrl: url }, creds));
      expect(e, url).toBeInstanceOf(UsageError);
      expect(e.message).toContain('http://');
      // --insecure relaxes certificate checks only, never plain http to a remote host
      expect(() => resolveTarget({ gatewayUrl: url, insecure: true }, creds)).toThrow(UsageError);
    }
    expect(() => resolveTarget({ gatewayUrl: 'ftp://gw.example.com' }, creds)).toThrow(UsageError);
  });

  it('knows loopback hosts', () => {
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('127.255.255.254')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('127.0.0.256')).toBe(false);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('::2')).toBe(false);
  });

  it('refuses a URL with credentials in it without echoing them', () => {
    const e = catchErr(() => resolveTarget({ gatewayUrl: 'https://joe:Hunter2Secret@gw.example.com' }, creds));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).not.toContain('Hunter2Secret');
    expect(String((e as UsageError).hint)).not.toContain('Hunter2Secret');
  });

  it('keeps the insecure flag', () => {
    expect(resolveTarget({ gatewayUrl: 'https://gw.example.com', insecure: true }, creds).insecure).toBe(true);
    expect(resolveTarget({ gatewayUrl: 'https://gw.example.com' }, creds).insecure).toBe(false);
  });
});

describe('resolveTarget: credentials', () => {
  const gw = { QUALYS_GATEWAY_URL: 'https://gw.example.com' };

  it('reads username/password or a token from the environment, flags first', () => {
    const a = resolveTarget({}, { ...gw, QUALYS_USERNAME: 'joe', QUALYS_PASSWORD: 'pw-env-abcd' });
    expect(a.credentials.username).toBe('joe');
    expect(a.credentials.password).toBe('pw-env-abcd');
    expect(a.credentials.token).toBeUndefined();
    const b = resolveTarget({ username: 'ann', password: 'pw-flag-abcd' }, { ...gw, QUALYS_USERNAME: 'joe', QUALYS_PASSWORD: 'pw-env-abcd' });
    expect(b.credentials.username).toBe('ann');
    expect(b.credentials.password).toBe('pw-flag-abcd');
    const c = resolveTarget({ token: 'tok-flag-abcd' }, { ...gw, QUALYS_TOKEN: 'tok-env-abcd' });
    expect(c.credentials.token).toBe('tok-flag-abcd');
  });

  it('says which variable to set when credentials are missing', () => {
    const none = catchErr(() => resolveTarget({}, gw));
    expect(none).toBeInstanceOf(AuthError);
    expect((none as AuthError).hint).toMatch(/QUALYS_USERNAME and QUALYS_PASSWORD, or QUALYS_TOKEN/);
    const noPw = catchErr(() => resolveTarget({}, { ...gw, QUALYS_USERNAME: 'joe' }));
    expect(noPw).toBeInstanceOf(AuthError);
    expect((noPw as AuthError).hint).toContain('QUALYS_PASSWORD');
    const noUser = catchErr(() => resolveTarget({}, { ...gw, QUALYS_PASSWORD: 'pw-only-abcd' }));
    expect((noUser as AuthError).hint).toContain('QUALYS_USERNAME');
    expect(`${noUser.message}${(noUser as AuthError).hint}`).not.toContain('pw-only-abcd');
  });

  it('registers the password and the token for redaction and hides them from JSON and inspect', () => {
    const t = resolveTarget({}, { ...gw, QUALYS_USERNAME: 'joe', QUALYS_PASSWORD: 'Pw-Registered-9876', QUALYS_TOKEN: 'Tok-Registered-5432' });
    expect(redact('x Pw-Registered-9876 y Tok-Registered-5432')).toBe('x [REDACTED] y [REDACTED]');
    expect(JSON.stringify(t)).not.toMatch(/Registered/);
    expect(inspect(t, { depth: 5 })).not.toMatch(/Registered/);
    expect(t.credentials.password).toBe('Pw-Registered-9876');
  });

  it('registers secrets even when resolution fails later', () => {
    expect(() => resolveTarget({ password: 'Pw-Before-Failure-1' }, {})).toThrow();
    expect(redact('Pw-Before-Failure-1')).toBe('[REDACTED]');
  });
});

function catchErr(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}
