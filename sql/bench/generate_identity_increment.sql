-- One new day of links for `npm run bench -- identity` (the streaming path):
-- {links} pairs first seen on the day starting at {day_ms}, both directions,
-- identifiers as in generate_identity_links.sql. Per 20 links: 10 new
-- devices (indexes from {devices} on) log in as an existing login user, 5
-- anonymous devices already known log in (a device beyond the login blocks,
-- or a new one when there is none), 3 new CRM contacts (from {contacts} on)
-- get an existing user, 2 new users (from {users} on) sign up on a new device.
INSERT INTO identity_links (pipeline, identifier, other, first_seen, forced, event_id)
SELECT
    {pipeline:String} AS pipeline,
    pair.1 AS identifier,
    pair.2 AS other,
    fromUnixTimestamp64Milli({day_ms:Int64} + toInt64(cityHash64(i, 'new-at') % 86400000), 'UTC') AS first_seen,
    toUInt8(0) AS forced,
    concat('bench-new-link-', toString(i)) AS event_id
FROM
(
    SELECT
        number AS i,
        i % 20 AS r,
        {giants:UInt64} + 3 * {login_users:UInt64} AS anonymous_from,
        if(r >= 15 AND r < 18, 'c', 'a') AS ka,
        toUInt64(multiIf(r < 10, {devices:UInt64} + i,
                         r < 15, if(anonymous_from < {devices:UInt64}, anonymous_from + cityHash64(i, 'known') % toUInt64({devices:UInt64} - anonymous_from), {devices:UInt64} + i),
                         r < 18, {contacts:UInt64} + i,
                         {devices:UInt64} + i)) AS ia,
        toUInt64(if(r < 18, cityHash64(i, 'existing') % {login_users:UInt64}, {users:UInt64} + i)) AS ib,
        multiIf(ka = 'a', concat('a:', leftPad(lower(hex(cityHash64(ia, 'd'))), 16, '0'), leftPad(lower(hex(cityHash64(ia, 'e'))), 16, '0')),
                concat('c:', upper(hex(cityHash64(ia, 'c'))))) AS a,
        concat('u:', toString(cityHash64(ib, 'u'))) AS b
    FROM numbers({links:UInt64})
)
ARRAY JOIN [(a, b), (b, a)] AS pair
