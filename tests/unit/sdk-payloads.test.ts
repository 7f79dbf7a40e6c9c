import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createJsonRecordDecoder } from '../../src/events/decode-json-record.js';
import { DEFAULT_LIMITS } from '../../src/events/limits.js';
import type { DecodeContext } from '../../src/events/decode-context.js';
import { createClassifier } from '../../src/journey/classify.js';
import { loadDefinition } from '../../src/journey/load-definition.js';

/**
 * Payloads as real SDKs send them (written for the project in the shape of
 * each SDK's public documentation): nulls and empty strings in optional
 * fields, each SDK's own context fields. Every one must decode, and land in
 * the stage and channel a person reading it would expect (docs/events.md,
 * "Absent values" and "Fields of other SDKs").
 */
const ctx: DecodeContext = {
  limits: DEFAULT_LIMITS,
  identity: { site: ['anonymousId', 'userId'], crm: ['contactId'] },
  emailSalt: '',
  receivedAtMs: Date.UTC(2026, 10, 2, 11, 0, 1),
};
const decode = createJsonRecordDecoder(DEFAULT_LIMITS);
const classify = createClassifier(loadDefinition('ecommerce', { pipelinesDir: 'pipelines' }).definition);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/sdk/${name}`, import.meta.url), 'utf8');

describe('payloads real SDKs send', () => {
  it.each([
    { file: 'segment-spec-track.json', key: 'a:23adfd82-aa0f-45a7-a756-24f2a7a4c895', name: 'Product Added', stage: 4, channel: 'Email', country: '' },
    { file: 'analytics-js-page.json', key: 'a:e6e0e2c2-5b5f-4d5e-9c2a-6f0f3a9b1d11', name: '', stage: 1, channel: 'Organic Search', country: '' },
    { file: 'rudderstack-js-page.json', key: 'a:8d872292-709c-4fe1-a8b3-0e1a1d5c0e21', name: 'Category', stage: 1, channel: 'Direct', country: '' },
    { file: 'rudderstack-node-track.json', key: 'u:user-1029', name: 'Order Completed', stage: 6, channel: 'Direct', country: '' },
    { file: 'jitsu-page.json', key: 'a:ab2c3d4e-f5a6-4b7c-8d9e-0f1a2b3c4d5e', name: '', stage: 1, channel: 'Email', country: 'DE' },
  ])('$file: $name → stage $stage, channel $channel', ({ file, key, name, stage, channel, country }) => {
    const result = decode(fixture(file), ctx);
    if (result.kind !== 'ok') throw new Error(`dead-lettered: ${result.reason}`);
    expect(result.value).toMatchObject({ key, name, country });
    expect(classify(result.value)).toMatchObject({ stageIndex: stage, channel });
  });

  it('null and "" in optional fields are absent: the anonymous RudderStack page keeps its anonymousId as key and has no userId', () => {
    const result = decode(fixture('rudderstack-js-page.json'), ctx);
    expect(result).toMatchObject({ kind: 'ok', value: { userId: '', referrer: '', type: 'page' } });
  });

  it('an empty or null messageId is absent: the event id is the content hash, the same for the same bytes', () => {
    const body = { type: 'track', event: 'Product Viewed', anonymousId: 'a1', timestamp: '2026-11-02T11:00:00.000Z' };
    const empty = decode(JSON.stringify({ ...body, messageId: '' }), ctx);
    const again = decode(JSON.stringify({ ...body, messageId: '' }), ctx);
    const none = decode(JSON.stringify({ ...body, messageId: null }), ctx);
    if (empty.kind !== 'ok' || again.kind !== 'ok' || none.kind !== 'ok') throw new Error('dead-lettered');
    expect(empty.value.eventId).toBe(again.value.eventId);
    expect(empty.value.eventId).not.toBe(none.value.eventId);
  });

  it.each([
    { name: 'a track call whose event is null', body: { type: 'track', event: null, anonymousId: 'a' }, reason: /a track call needs an event name/ },
    { name: 'a track call whose event is ""', body: { type: 'track', event: '', anonymousId: 'a' }, reason: /a track call needs an event name/ },
    { name: 'both ids null or ""', body: { type: 'page', anonymousId: null, userId: '' }, reason: /no identity/ },
    { name: 'a time of the wrong type (not absent)', body: { type: 'page', anonymousId: 'a', timestamp: 0 }, reason: /timestamp/ },
  ])('still dead-letters $name', ({ body, reason }) => {
    const result = decode(JSON.stringify({ timestamp: '2026-11-02T11:00:00.000Z', ...body }), ctx);
    expect(result.kind).toBe('dead');
    if (result.kind === 'dead') expect(result.reason).toMatch(reason);
  });
});
