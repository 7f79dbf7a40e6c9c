import { describe, expect, it } from 'vitest';
import { redactCredentials } from '../../src/core/redact.js';

describe('redactCredentials', () => {
  it.each([
    ['http://u:secret@host:8123', 'http://u:***@host:8123'],
    ['https://alerts:p%40ss@hooks.example.com/x?y=1', 'https://alerts:***@hooks.example.com/x?y=1'],
    ['clickhouse://u:secret@host:9000', 'clickhouse://u:***@host:9000'],
    ['unsupported --store "mysql://root:hunter2@db/x": use …', 'unsupported --store "mysql://root:***@db/x": use …'],
    ['not a URL: "http://u:pa%20ss@"', 'not a URL: "http://u:***@"'],
    ['http://:secret@host', 'http://:***@host'],
    ['http://user@host:8123 (no password)', 'http://user@host:8123 (no password)'],
    ['two: http://a:1@x and https://b:2@y', 'two: http://a:***@x and https://b:***@y'],
    ['embedded:./.journeys', 'embedded:./.journeys'],
    ['http//alerts:s3cret@example.com', 'http//alerts:***@example.com'],
    ['invalid --store URL: not a URL: "http://analyst:Zm9v/YmFy@ch.example:8123"', 'invalid --store URL: not a URL: "http://analyst:***@ch.example:8123"'],
    ['http://u:p@ss@host:8123', 'http://u:***@host:8123'],
    ['alerts:s3cret@example.com', 'alerts:***@example.com'],
    ['cannot reach ClickHouse at http://default@127.0.0.1:8123: connection refused', 'cannot reach ClickHouse at http://default@127.0.0.1:8123: connection refused'],
  ])('%s', (text, redacted) => {
    expect(redactCredentials(text)).toBe(redacted);
  });
});
