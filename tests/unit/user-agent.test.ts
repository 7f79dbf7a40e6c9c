import { describe, expect, it } from 'vitest';
import { createUserAgentParser } from '../../src/events/user-agent.js';

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_6_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1';
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

describe('user-agent parsing', () => {
  it('reads device type, browser and OS', () => {
    const parse = createUserAgentParser();
    expect(parse(IPHONE)).toEqual({ device: 'mobile', browser: 'Mobile Safari', os: 'iOS' });
    expect(parse(WINDOWS_CHROME)).toEqual({ device: 'desktop', browser: 'Chrome', os: 'Windows' });
    expect(parse('')).toEqual({ device: 'unknown', browser: 'unknown', os: 'unknown' });
  });

  it('gives the same answer from its cache as a fresh parse, also for texts that differ in one character', () => {
    const parse = createUserAgentParser();
    // The base text, then a variant with each single character changed: the
    // cache looks at some characters only, so many variants share its lookup
    // hash with the base, and each must still get its own answer.
    for (const base of [IPHONE, WINDOWS_CHROME]) {
      parse(base);
      for (let i = 0; i < base.length; i++) {
        const variant = `${base.slice(0, i)}${base[i] === 'i' ? 'a' : 'i'}${base.slice(i + 1)}`;
        expect(parse(variant), variant).toEqual(createUserAgentParser()(variant));
        expect(parse(base)).toEqual(createUserAgentParser()(base));
      }
    }
  });
});
