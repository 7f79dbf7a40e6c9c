import { describe, expect, it } from 'vitest';
import { EVENT_COLUMNS, eventRow } from '../../src/stores/rows.js';
import { createClassifier } from '../../src/journey/classify.js';
import { parseDefinition } from '../../src/journey/load-definition.js';
import { EMPTY_CAMPAIGN, type JourneyEvent } from '../../src/events/journey-event.js';

const definition = parseDefinition(
  'name: t\nstages:\n  - name: cart\n    match: [{ event: Product Added }]\n  - name: checkout\n    match: [{ event: Checkout Started }]\n    exclude: [{ event: Cart Emptied }]\n',
  't.yaml',
);
const event = (name: string): JourneyEvent => ({
  eventId: 'e1', source: 'site', type: 'track', name, timestampMs: 1000, receivedAtMs: 2000, key: 'a:x', anonymousId: 'x', userId: '', contactId: '',
  emailHash: '', sourceSessionId: '', pageUrl: '', pagePath: '', referrer: '', campaign: { ...EMPTY_CAMPAIGN },
  userAgent: '', locale: '', country: '', properties: { a: 1 }, context: {}, nps: null, csat: null,
});

describe('events rows', () => {
  const classify = createClassifier(definition);
  const where = { pipeline: 'p', stream: 'files', stageNames: ['cart', 'checkout'] };
  it('put exclusion_index right after stage, as migration 006 does', () => {
    expect(EVENT_COLUMNS.indexOf('exclusion_index')).toBe(EVENT_COLUMNS.indexOf('stage') + 1);
  });

  it.each([
    { name: 'Cart Emptied', stage_index: 0, stage: '', exclusion_index: 2 },
    { name: 'Checkout Started', stage_index: 2, stage: 'checkout', exclusion_index: 0 },
  ])('$name: a value per column', ({ name, ...expected }) => {
    const row = eventRow(where, classify(event(name)));
    expect(row).toHaveLength(EVENT_COLUMNS.length);
    const byColumn = Object.fromEntries(EVENT_COLUMNS.map((column, i) => [column, row[i]]));
    expect(byColumn).toMatchObject({ pipeline: 'p', stream: 'files', key: 'a:x', ts: 1000, event_id: 'e1', name, ...expected, properties: { a: 1 } });
  });
});
