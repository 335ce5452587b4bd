// Colour follows the usual conventions: FORCE_COLOR forces it (even into a pipe; 0/false turn it off), NO_COLOR
// and TERM=dumb turn it off, else a terminal has it.
import { describe, expect, test } from 'vitest';
import { useColor } from '../../src/cli/common.js';

const tty = { isTTY: true } as NodeJS.WriteStream;
const pipe = { isTTY: false } as NodeJS.WriteStream;

describe('useColor', () => {
  test('a terminal has colour, a pipe has none', () => {
    expect(useColor(tty, { TERM: 'xterm-256color' })).toBe(true);
    expect(useColor(pipe, { TERM: 'xterm-256color' })).toBe(false);
  });
  test('NO_COLOR (not empty) and TERM=dumb turn it off', () => {
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { NO_COLOR: '' })).toBe(true);
    expect(useColor(tty, { TERM: 'dumb' })).toBe(false);
  });
  test('FORCE_COLOR forces it, even into a pipe and over NO_COLOR and TERM=dumb; FORCE_COLOR=0 or false turns it off', () => {
    for (const v of ['1', '2', '3', 'true']) expect(useColor(pipe, { FORCE_COLOR: v, NO_COLOR: '1', TERM: 'dumb' })).toBe(true);
    for (const v of ['0', 'false']) expect(useColor(tty, { FORCE_COLOR: v })).toBe(false);
    expect(useColor(pipe, { FORCE_COLOR: '' })).toBe(false);
  });
});
