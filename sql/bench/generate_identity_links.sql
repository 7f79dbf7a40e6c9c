-- Benchmark links for `npm run bench -- identity` (src/bench/identity-bench.ts):
-- identity_links rows generated inside ClickHouse, deterministic, both
-- directions, one pair per row of numbers({links}). The rows are cut into
-- segments by {bounds} ([0, b1, b2, b3, b4], offsets of the segments):
--   0 logins:   blocks of 6 links = 3 userIds with 1, 2 and 3 devices
--               (user j's devices are {giants} + 3j + slot); a later device
--               logs in 0–3 days after the first.
--   1 contacts: CRM contact i with userId i mod {login_users}, 0–2 days after signup.
--   2 shared:   the first device of a random user, where a second random
--               user logs in 1–3 days later (a shared device: refused by the
--               userId limit, it stays with the first).
--   3 giants:   devices 0 … {giants}−1, {giant_links} links each to random
--               users (a kiosk: more than identity.maxLinks, left out).
--   4 aliases:  chains of 3 userIds (an old login user ← new1 ← new2), each
--               alias forced and written as Segment's two pairs: u:new–u:old
--               and u:new–a:old (previousId read as either kind).
-- A link's time is its anchor user's signup time (uniform over the first
-- {days} − 3 days) plus an offset, capped at the period's end.
-- Identifiers by kind and index (the same expressions in generate_identity_events.sql
-- and generate_identity_increment.sql): a:<32 hex>, u:<decimal>, c:<HEX>, and
-- 'p' for the a: form of a userId.
INSERT INTO identity_links (pipeline, identifier, other, first_seen, forced, event_id)
SELECT
    {pipeline:String} AS pipeline,
    pair.1 AS identifier,
    pair.2 AS other,
    fromUnixTimestamp64Milli(t_ms, 'UTC') AS first_seen,
    forced,
    concat('bench-link-', toString(number)) AS event_id
FROM
(
    SELECT
        number,
        forced,
        least({start_ms:Int64} + toInt64(cityHash64(anchor, 'signup') % (({days:UInt32} - 3) * 86400000)) + offset_ms,
              {start_ms:Int64} + {days:UInt32} * 86400000 - 1) AS t_ms,
        multiIf(ka = 'a', concat('a:', leftPad(lower(hex(cityHash64(ia, 'd'))), 16, '0'), leftPad(lower(hex(cityHash64(ia, 'e'))), 16, '0')),
                ka = 'u', concat('u:', toString(cityHash64(ia, 'u'))),
                ka = 'p', concat('a:', toString(cityHash64(ia, 'u'))),
                concat('c:', upper(hex(cityHash64(ia, 'c'))))) AS a,
        multiIf(kb = 'a', concat('a:', leftPad(lower(hex(cityHash64(ib, 'd'))), 16, '0'), leftPad(lower(hex(cityHash64(ib, 'e'))), 16, '0')),
                kb = 'u', concat('u:', toString(cityHash64(ib, 'u'))),
                kb = 'p', concat('a:', toString(cityHash64(ib, 'u'))),
                concat('c:', upper(hex(cityHash64(ib, 'c'))))) AS b
    FROM
    (
        SELECT
            number,
            arrayCount(x -> number >= x, {bounds:Array(UInt64)}) - 1 AS seg,
            -- Unsigned throughout: a subtraction gives Int64, and an array of Int64 and UInt64 a Variant, which hashes differently.
            toUInt64(number - {bounds:Array(UInt64)}[seg + 1]) AS i,
            -- logins
            3 * intDiv(i, 6) + [0, 1, 1, 2, 2, 2][i % 6 + 1] AS login_user,
            [0, 0, 1, 0, 1, 2][i % 6 + 1] AS slot,
            -- shared devices
            cityHash64(i, 's1') % {login_users:UInt64} AS first_user,
            (first_user + 1 + cityHash64(i, 's2') % greatest({login_users:UInt64} - 1, 1)) % {login_users:UInt64} AS second_user,
            -- alias chains
            intDiv(i, 4) AS chain,
            i % 4 AS step,
            cityHash64(chain, 'alias') % {login_users:UInt64} AS chain_base,
            [login_user, i % {login_users:UInt64}, first_user, cityHash64(i, 'g') % {login_users:UInt64}, chain_base][seg + 1] AS anchor,
            ['a', 'c', 'a', 'a', 'u'][seg + 1] AS ka,
            [{giants:UInt64} + 3 * login_user + slot, i, {giants:UInt64} + 3 * first_user, intDiv(i, {giant_links:UInt64}),
             {login_users:UInt64} + 2 * chain + intDiv(step, 2)][seg + 1] AS ia,
            if(seg = 4 AND step % 2 = 1, 'p', 'u') AS kb,
            [login_user, i % {login_users:UInt64}, second_user, anchor,
             if(step < 2, chain_base, {login_users:UInt64} + 2 * chain)][seg + 1] AS ib,
            toInt64([slot * (cityHash64(login_user, slot, 'gap') % (3 * 86400000)), cityHash64(i, 'crm') % (2 * 86400000),
                     86400000 + cityHash64(i, 'later') % (2 * 86400000), cityHash64(i, 'kiosk') % 86400000,
                     (1 + intDiv(step, 2)) * 432000000 + cityHash64(chain, 'renamed') % 86400000][seg + 1]) AS offset_ms,
            toUInt8(seg = 4) AS forced
        FROM numbers({links:UInt64})
    )
)
ARRAY JOIN [(a, b), (b, a)] AS pair
