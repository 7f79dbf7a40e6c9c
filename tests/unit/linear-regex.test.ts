import { describe, expect, it } from 'vitest';
import { compileLinearRegex } from '../../src/journey/linear-regex.js';
import { compileMatchRule } from '../../src/journey/match-rule.js';
import { DefinitionError, parseDefinition } from '../../src/journey/load-definition.js';
import { EMPTY_CAMPAIGN, type JourneyEvent } from '../../src/events/journey-event.js';

function eventWith(properties: Record<string, unknown>): JourneyEvent {
  return {
    eventId: 'e', source: 'site', type: 'track', name: 'Searched', timestampMs: 0, receivedAtMs: 0, key: 'a:x', anonymousId: 'x', userId: '',
    contactId: '', emailHash: '', sourceSessionId: '', pageUrl: '', pagePath: '', referrer: '', campaign: EMPTY_CAMPAIGN, userAgent: '',
    locale: '', country: '', properties, context: {}, nps: null, csat: null,
  };
}

function definitionWithRegex(pattern: string): string {
  return [
    'name: t',
    'stages:',
    '  - name: a',
    '    match:',
    `      - where: { properties.q: { regex: ${JSON.stringify(pattern)} } }`,
    '  - name: b',
    '    match: [{ event: B }]',
    '',
  ].join('\n');
}

describe('match-rule regexes run in linear time', () => {
  // With backtracking (JavaScript's RegExp) `(a+)+$` tries ~2^41 ways to split
  // the a's before failing on the final "!": this never returned. The vitest
  // timeout guards the test; no timing is asserted.
  it('a pathological pattern over a long value finishes', () => {
    const rule = compileMatchRule({ where: { 'properties.q': { regex: '(a+)+$' } } });
    expect(rule(eventWith({ q: `${'a'.repeat(41)}!` }))).toBe(false);
    expect(rule(eventWith({ q: `${'a'.repeat(100_000)}!` }))).toBe(false);
    expect(rule(eventWith({ q: 'a'.repeat(100_000) }))).toBe(true);
    const nested = compileMatchRule({ where: { 'properties.q': { regex: '^(a|a?)+b$' } } });
    expect(nested(eventWith({ q: 'a'.repeat(50) }))).toBe(false);
  });

  it.each([
    // [pattern, value, matches] — the plain-text fast path and the RE2 engine alike
    ['^/checkout', '/checkout/payment', true],
    ['^/checkout', '/cart/checkout', false],
    ['Completed$', 'Order Completed', true],
    ['Completed$', 'Completed order', false],
    ['^exact$', 'exact', true],
    ['^exact$', 'exactly', false],
    ['google|bing', 'www.bing.com', true],
    ['^a|b$', 'xb', true],
    ['^a|b$', 'xa', false],
    ['www\\.example\\.com', 'www.example.com', true],
    ['www\\.example\\.com', 'wwwxexample.com', false],
    ['a.c', 'abc', true],
    ['[Oo]nboarding|[Kk]ick-?off', 'Project kickoff', true],
    ['[Oo]nboarding|[Kk]ick-?off', 'offboarding', false],
    ['(?i)order', 'ORDER', true],
    ['\\d{3}-\\d{4}', 'call 555-1234', true],
    ['^$', '', true],
    ['a|', 'zzz', true],
  ])('%s against %s: %s', (pattern, value, matches) => {
    const compiled = compileLinearRegex(pattern);
    expect(compiled.kind).toBe('ok');
    if (compiled.kind === 'ok') expect(compiled.test(value)).toBe(matches);
    expect(new RegExp(pattern.replace('(?i)', ''), pattern.startsWith('(?i)') ? 'i' : '').test(value)).toBe(matches);
  });

  it.each([
    ['a(?=b)', /unsupported Perl syntax: `\(\?=`.*no lookahead/],
    ['(?<=a)b', /not a valid regular expression/],
    ['(a)\\1', /invalid escape sequence: `\\1`/],
    ['(', /missing closing \)/],
    ['a{1001}', /invalid repeat count/],
  ])('refuses %s at definition load, naming file, path and line', (pattern, reason) => {
    const load = () => parseDefinition(definitionWithRegex(pattern), 'pipelines/t.yaml');
    expect(load).toThrowError(DefinitionError);
    expect(load).toThrowError(/pipelines\/t\.yaml/);
    expect(load).toThrowError(/stages\.0\.match\.0\.where\.properties\.q\.regex \(line 5\)/);
    expect(load).toThrowError(reason);
  });
});
