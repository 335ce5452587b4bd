import { describe, expect, it } from 'vitest';
import { redact, registerSecret } from '../../src/redact.js';
import { makeJwt } from './helpers.js';

describe('redact', () => {
  it('scrubs registered secrets, raw and encoded, longest first', () => {
    registerSecret('ab c&d=ef/secret');
    registerSecret('ab c&d');
    const out = redact(`x ab c&d=ef/secret y ${encodeURIComponent('ab c&d=ef/secret')} z ${new URLSearchParams({ p: 'ab c&d=ef/secret' })} ${JSON.stringify({ v: 'ab c&d' })}`);
    expect(out).not.toContain('ab c&d');
    expect(out).not.toContain('ab%20c');
    expect(out).not.toContain('ab+c');
  });

  it('scrubs bearer tokens, Authorization headers and JWTs it was never told about', () => {
    const jwt = makeJwt({ sub: 'unregistered' });
    expect(redact(`Authorization: Bearer abc.def-ghi`)).not.toContain('abc.def-ghi');
    expect(redact(`{"authorization":"Basic dXNlcjpwYXNz"}`)).not.toContain('dXNlcjpwYXNz');
    expect(redact(`token was ${jwt}.`)).toBe('token was [REDACTED].');
  });

  it('scrubs password and token fields in JSON and forms', () => {
    expect(redact('{"username":"joe","password":"s3cr\\"et"}')).toBe('{"username":"joe","password":"[REDACTED]"}');
    expect(redact('username=joe&password=hunter22&token=true')).toBe('username=joe&password=[REDACTED]&token=true');
    expect(redact('{"token": "abc123"}')).toBe('{"token": "[REDACTED]"}');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('GET /csapi/v1.3/exception?pageNumber=1 -> 200 in 3ms')).toBe('GET /csapi/v1.3/exception?pageNumber=1 -> 200 in 3ms');
  });
});
