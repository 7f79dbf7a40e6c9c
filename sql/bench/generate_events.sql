-- Benchmark input for `npm run bench -- queries`: e-commerce-like events
-- generated inside ClickHouse, written straight into `events` (sessions and
-- rollups are then built by the pipeline's own code, see src/bench/queries-bench.ts).
-- Each row of numbers() is one visit: a visitor (about 1.4 visits each over the
-- period), a start time, an entry channel, and a stage path drawn stage by stage
-- with e-commerce continuation odds (awareness → interest 55%, → consideration
-- 70%, → cart 30%, → checkout 55%, → purchase 60%, → retention 15%, → advocacy
-- 25%); 30% of visits skip interest (straight to a product), so ordered and
-- furthest levels differ. Each reached stage brings 1–3 events, with unstaged
-- events (help pages, account) between them; events are 3 s–4 min apart.
-- Surveys and an A/B variant (see the columns) give the journey map's emotions and comparison something to read.
INSERT INTO events (pipeline, stream, key, ts, event_id, received_at, source, type, name, stage_index, stage, channel, touchpoint,
                    campaign_source, campaign_medium, campaign_name, page_path, referrer, device, browser, os, country, locale,
                    segment, anonymous_id, user_id, contact_id, email_hash, source_session_id, nps, csat, properties)
SELECT
    {pipeline:String} AS pipeline,
    'files' AS stream,
    concat('a:', lower(hex(visitor_hash))) AS key,
    fromUnixTimestamp64Milli(toInt64(start_ms + offsets[i]), 'UTC') AS ts,
    concat(toString(visit), '-', toString(i)) AS event_id,
    ts AS received_at,
    'site' AS source,
    if(st IN (0, 1), 'page', 'track') AS type,
    ['Help', 'Home', 'Products Searched', 'Product Viewed', 'Product Added', 'Checkout Started', 'Order Completed', 'Account Created', 'Product Reviewed'][st + 1] AS name,
    st AS stage_index,
    if(st = 0, '', {stage_names:Array(String)}[st]) AS stage,
    channel,
    if(type = 'page', page, name) AS touchpoint,
    '' AS campaign_source, '' AS campaign_medium, '' AS campaign_name,
    if(type = 'page', page, '') AS page_path,
    '' AS referrer,
    ['mobile', 'desktop', 'tablet'][1 + (visitor_hash % 100 >= 55) + (visitor_hash % 100 >= 90)] AS device,
    ['Chrome', 'Mobile Safari', 'Safari', 'Firefox', 'Edge'][1 + intDiv(visitor_hash, 100) % 5] AS browser,
    ['iOS', 'Android', 'Windows', 'Mac OS', 'Linux'][1 + intDiv(visitor_hash, 500) % 5] AS os,
    ['US', 'GB', 'DE', 'FR', 'NL', 'ES', 'IT', 'PL', 'SE', 'CA', 'AU', 'BR', 'JP', 'IN', 'MX'][1 + intDiv(visitor_hash, 2500) % 15] AS country,
    'en-US' AS locale,
    ['new', 'returning', 'vip'][1 + (intDiv(visitor_hash, 37500) % 10 >= 6) + (intDiv(visitor_hash, 37500) % 10 >= 9)] AS segment,
    lower(hex(visitor_hash)) AS anonymous_id,
    '' AS user_id, '' AS contact_id, '' AS email_hash, '' AS source_session_id,
    -- 4% of visits end with a survey answer (NPS on even visits, CSAT on odd ones), some with a comment; every visit's first event carries an A/B variant.
    if(surveyed AND i = length(stages) AND visit % 2 = 0, toUInt8(cityHash64(visit, 'score') % 11), NULL) AS nps,
    if(surveyed AND i = length(stages) AND visit % 2 = 1, toUInt8(1 + cityHash64(visit, 'score') % 5), NULL) AS csat,
    concat('{', arrayStringConcat(arrayFilter(x -> x != '', [
        if(i = 1, concat('"variation_name":"', ['A', 'B'][1 + visit % 2], '"'), ''),
        if(surveyed AND i = length(stages) AND cityHash64(visit, 'comment') % 3 = 0, '"comment":"Bench comment"', '')]), ','), '}') AS properties
FROM
(
    SELECT
        number AS visit,
        cityHash64(intDiv(number * 5, 7), 'visitor') AS visitor_hash,
        {start_ms:Int64} + toInt64(cityHash64(number, 'start') % ({days:UInt32} * 86400000)) AS start_ms,
        ['Organic Search', 'Direct', 'Paid Search', 'Social', 'Email', 'Referral', 'Display', 'Affiliate'][1 + cityHash64(number, 'channel') % 8] AS channel,
        -- Continuation odds per step (‰): the first failing step ends the path.
        [550, 700, 300, 550, 600, 150, 250] AS odds,
        arrayFirstIndex(k -> cityHash64(number, k, 'go') % 1000 >= odds[k], range(1, 8)) AS fail_at,
        if(fail_at = 0, 8, fail_at) AS level,
        cityHash64(number, 'skip') % 10 < 3 AND level >= 3 AS skip_interest,
        arrayFilter(k -> NOT (k = 2 AND skip_interest), range(1, level + 1)) AS path,
        arrayFlatten(arrayMap(k -> arrayConcat(arrayWithConstant(1 + cityHash64(number, k, 'n') % 3, toUInt8(k)),
                                               if(cityHash64(number, k, 'z') % 4 = 0, [toUInt8(0)], emptyArrayUInt8())), path)) AS stages,
        arrayCumSum(arrayMap(j -> if(j = 1, 0, 3000 + cityHash64(number, j, 'gap') % 237000), arrayEnumerate(stages))) AS offsets,
        ['/', '/sale', '/c/coffee', '/c/shoes', '/p/espresso-42', '/help/shipping', '/account'][1 + cityHash64(number, 'page') % 7] AS page,
        cityHash64(number, 'survey') % 100 < 4 AS surveyed
    FROM numbers({visits:UInt64})
)
ARRAY JOIN stages AS st, arrayEnumerate(stages) AS i
LIMIT {events:UInt64}
