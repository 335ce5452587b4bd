// The API call helpers kinds share: the id of a create's answer, in every documented shape, or a typed error.
import { describe, expect, it } from 'vitest';
import { QcsError } from '../../src/errors.js';
import { idFromResponse } from '../../src/kinds/requests.js';

describe('idFromResponse', () => {
  it('reads the id under one of its keys, in any case and spacing, or as a bare text answer', () => {
    expect(idFromResponse({ exceptionId: 'e-1' }, ['exceptionId', 'id'], 'create exception')).toBe('e-1');
    expect(idFromResponse({ ' ID ': 7 }, ['id'], 'create x')).toBe('7');
    expect(idFromResponse(' 9b1e ', ['id'], 'create x')).toBe('9b1e');
  });

  it('an answer without an id is E_BAD_RESPONSE, saying what came and that the object may exist', () => {
    let error: unknown;
    try {
      idFromResponse({ status: 'ok' }, ['uuid'], 'create centralized policy');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QcsError);
    expect((error as QcsError).code).toBe('E_BAD_RESPONSE');
    expect((error as QcsError).message).toBe('the create centralized policy response carries no uuid (got {"status":"ok"})');
    expect((error as QcsError).hint).toMatch(/may have been created.*run plan again/);
  });
});
