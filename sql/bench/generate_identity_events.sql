-- Benchmark events for `npm run bench -- identity` (src/bench/identity-bench.ts):
-- 1–3 events per identifier, each keyed by its identifier and carrying only
-- it, so that a person's journey is put together by stitching alone. Rows of
-- numbers({identifiers}): devices (a:, index n < {devices}), then userIds (u:),
-- then CRM contacts (c:), with the identifier expressions of
-- generate_identity_links.sql. Devices and users of a login block browse
-- around their user's signup time (devices: awareness to cart, some help
-- pages; users, server-side: cart to purchase, 0–3 days after; contacts, the
-- CRM: retention and advocacy, 1–9 days after); the other identifiers
-- (anonymous devices, users without a login, contacts without a user) at a
-- uniform time of the period.
INSERT INTO events (pipeline, stream, key, ts, event_id, received_at, source, type, name, stage_index, stage, exclusion_index, channel,
                    touchpoint, campaign_source, campaign_medium, campaign_name, page_path, referrer, device, browser, os, country,
                    locale, segment, anonymous_id, user_id, contact_id, email_hash, source_session_id, nps, csat, properties)
SELECT
    {pipeline:String} AS pipeline,
    'files' AS stream,
    concat(kind, ':', value) AS key,
    fromUnixTimestamp64Milli(least(greatest(base_ms + toInt64(cityHash64(n, k, 'at') % spread_ms), {start_ms:Int64}), end_ms - 1), 'UTC') AS ts,
    concat('bench-', toString(n), '-', toString(k)) AS event_id,
    ts AS received_at,
    if(kind = 'c', 'crm', 'site') AS source,
    if(kind = 'a' AND st <= 1, 'page', 'track') AS type,
    ['Help', 'Home', 'Products Searched', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed',
     'Account Created', 'Product Reviewed'][st + 1] AS name,
    st AS stage_index,
    if(st = 0, '', {stage_names:Array(String)}[st]) AS stage,
    toUInt8(0) AS exclusion_index,
    ['Organic Search', 'Direct', 'Paid Search', 'Social', 'Email', 'Referral', 'Display', 'Affiliate'][1 + cityHash64(n, 'channel') % 8] AS channel,
    if(type = 'page', ['/', '/sale', '/c/coffee', '/help/shipping'][1 + cityHash64(n, k, 'page') % 4], name) AS touchpoint,
    '' AS campaign_source, '' AS campaign_medium, '' AS campaign_name,
    if(type = 'page', touchpoint, '') AS page_path,
    '' AS referrer,
    ['mobile', 'desktop', 'tablet'][1 + cityHash64(n, 'device') % 3] AS device,
    ['Chrome', 'Mobile Safari', 'Safari', 'Firefox', 'Edge'][1 + cityHash64(n, 'browser') % 5] AS browser,
    ['iOS', 'Android', 'Windows', 'Mac OS', 'Linux'][1 + cityHash64(n, 'os') % 5] AS os,
    ['US', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'PL', 'SE', 'CA'][1 + cityHash64(n, 'country') % 10] AS country,
    'en-US' AS locale,
    ['new', 'returning', 'vip'][1 + cityHash64(n, 'segment') % 3] AS segment,
    if(kind = 'a', value, '') AS anonymous_id,
    if(kind = 'u', value, '') AS user_id,
    if(kind = 'c', value, '') AS contact_id,
    '' AS email_hash, '' AS source_session_id, NULL AS nps, NULL AS csat, '{}' AS properties
FROM
(
    SELECT
        number AS n,
        multiIf(n < {devices:UInt64}, 'a', n < {devices:UInt64} + {users:UInt64}, 'u', 'c') AS kind,
        toUInt64(multiIf(kind = 'a', n, kind = 'u', n - {devices:UInt64}, n - {devices:UInt64} - {users:UInt64})) AS idx,
        multiIf(kind = 'a', concat(leftPad(lower(hex(cityHash64(idx, 'd'))), 16, '0'), leftPad(lower(hex(cityHash64(idx, 'e'))), 16, '0')),
                kind = 'u', toString(cityHash64(idx, 'u')),
                upper(hex(cityHash64(idx, 'c')))) AS value,
        -- The login user whose signup time the identifier's events gather around (none: uniform).
        multiIf(kind = 'a' AND idx >= {giants:UInt64} AND idx < {giants:UInt64} + 3 * {login_users:UInt64}, intDiv(idx - {giants:UInt64}, 3),
                kind = 'u' AND idx < {login_users:UInt64}, idx,
                kind = 'c' AND idx < {contact_links:UInt64}, idx % {login_users:UInt64},
                -1) AS anchor,
        {start_ms:Int64} + {days:UInt32} * 86400000 AS end_ms,
        if(anchor < 0, {start_ms:Int64},
           {start_ms:Int64} + toInt64(cityHash64(toUInt64(anchor), 'signup') % (({days:UInt32} - 3) * 86400000))
             + [-43200000, 0, 86400000][multiIf(kind = 'a', 1, kind = 'u', 2, 3)]) AS base_ms,
        toUInt64(if(anchor < 0, {days:UInt32} * 86400000, [2, 3, 8][multiIf(kind = 'a', 1, kind = 'u', 2, 3)] * 86400000)) AS spread_ms,
        1 + cityHash64(n, 'events') % 3 AS event_count
    FROM numbers({identifiers:UInt64})
)
ARRAY JOIN range(event_count) AS k,
           arrayMap(j -> multiIf(kind = 'a', [1, 1, 1, 2, 3, 4, 0][1 + cityHash64(n, j, 'stage') % 7],
                                 kind = 'u', [4, 5, 6, 0][1 + cityHash64(n, j, 'stage') % 4],
                                 [7, 8, 0][1 + cityHash64(n, j, 'stage') % 3]), range(event_count)) AS st
