/**
 * The rebuild of stage_activity_hourly (docs/semantics.md, "The journey
 * map"): every event of the sessions and person's journeys that started on
 * the rebuilt days, with the stage it belongs to in each funnel mode. Built
 * here rather than in a .sql file because the person level reads events by
 * the same stitching expressions as the journeys (journey-store.ts).
 *
 * Parameters: staging, pipeline, stage_names, day_start, day_end, and
 * max_duration_ms, window_ms, use_source_session_id (see rollupParams in
 * rollup-refresh.ts).
 */
import { eventsWithPerson } from './journey-store.js';
import { cleanTouchpointSql } from '../journey/clean-touchpoint-sql.js';

const DAY_RANGE = `start >= {day_start:DateTime64(3, 'UTC')} AND start < {day_end:DateTime64(3, 'UTC')}`;

/** What every event contributes, read from `events` (survey fields only where the event is an answer). */
const EVENT_COLUMNS = [
  'stage_index',
  'event_id',
  'touchpoint',
  'channel',
  'source',
  'name',
  'nps',
  'csat',
  'properties',
] as const;

/** The journey fields the attribution needs, then the event as a tuple (see EVENT_TUPLE). */
const JOURNEY_FIELDS = 'level, journey_id, start, segment, funnel_modes, funnel_reached, funnel_excluded';

/**
 * One event as the attribution reads it: (time ms, stage index, event id,
 * touchpoint, channel, online, ticket, nps, csat, survey stage, survey
 * touchpoint, comment). Survey fields are read only for answers.
 */
const EVENT_TUPLE = `tuple(t_ms, stage_index, event_id, touchpoint, channel, toUInt8(source != 'crm'), toUInt8(source = 'crm' AND name = 'ticket_opened'),
  nps, csat,
  if(isNull(nps) AND isNull(csat), '', JSONExtractString(properties, 'stage')),
  if(isNull(nps) AND isNull(csat), '', JSONExtractString(properties, 'touchpoint')),
  if(isNull(nps) AND isNull(csat), '', JSONExtractString(properties, 'comment')))`;

/** Sessions that started on the days, with every event between their first and last (same key, stream, source session). */
function sessionEvents(eventFilter: string): string {
  const sessions = `SELECT key, stream, source_session_id, session_id, start, end, segment, funnel_modes, funnel_levels, funnel_skipped, funnel_reached, funnel_excluded
    FROM sessions FINAL
    WHERE pipeline = {pipeline:String} AND ${DAY_RANGE} AND is_deleted = 0 AND notEmpty(funnel_modes)`;
  return `SELECT 'session' AS level, s.session_id AS journey_id, s.start AS start, s.segment AS segment,
         s.funnel_modes AS funnel_modes, s.funnel_levels AS funnel_levels, s.funnel_skipped AS funnel_skipped,
         s.funnel_reached AS funnel_reached, s.funnel_excluded AS funnel_excluded,
         e.t_ms AS t_ms, ${EVENT_COLUMNS.map((c) => `e.${c} AS ${c}`).join(', ')}
    FROM (SELECT key, stream, source_session_id, toUnixTimestamp64Milli(ts) AS t_ms, ${EVENT_COLUMNS.join(', ')}
            FROM events FINAL
           WHERE pipeline = {pipeline:String}
             AND ts >= {day_start:DateTime64(3, 'UTC')}
             AND ts <= {day_end:DateTime64(3, 'UTC')} + toIntervalMillisecond({max_duration_ms:Int64})
             AND key IN (SELECT key FROM sessions WHERE pipeline = {pipeline:String} AND ${DAY_RANGE})
             AND ${eventFilter}) AS e
    INNER JOIN (${sessions}) AS s ON e.key = s.key AND e.stream = s.stream
   WHERE e.t_ms >= toUnixTimestamp64Milli(s.start) AND e.t_ms <= toUnixTimestamp64Milli(s.end)
     AND (NOT {use_source_session_id:UInt8} OR e.source_session_id = s.source_session_id)`;
}

/**
 * Person's journeys that started on the days, with every event of the person
 * in the journey's window: the events keyed by the persons' identifiers or
 * by identifiers linked to them, each assigned to its person as the journeys
 * are (eventsWithPerson).
 */
function personEvents(eventFilter: string): string {
  const persons = `SELECT key FROM journeys WHERE pipeline = {pipeline:String} AND ${DAY_RANGE} AND is_deleted = 0`;
  const members = `SELECT identifier FROM identity_persons FINAL WHERE pipeline = {pipeline:String} AND is_deleted = 0 AND person_id IN (${persons})`;
  const linked = `SELECT other FROM identity_links WHERE pipeline = {pipeline:String} AND (identifier IN (${persons}) OR identifier IN (${members}))`;
  const where = `pipeline = {pipeline:String}
      AND ts >= {day_start:DateTime64(3, 'UTC')} AND ts <= {day_end:DateTime64(3, 'UTC')} + toIntervalMillisecond({window_ms:Int64})
      AND (key IN (${persons}) OR key IN (${members}) OR key IN (${linked}))
      AND ${eventFilter}`;
  const journeys = `SELECT key, journey_id, start, segment, funnel_modes, funnel_levels, funnel_skipped, funnel_reached, funnel_excluded
    FROM journeys FINAL WHERE pipeline = {pipeline:String} AND ${DAY_RANGE} AND is_deleted = 0`;
  return `SELECT 'person' AS level, j.journey_id AS journey_id, j.start AS start, j.segment AS segment,
         j.funnel_modes AS funnel_modes, j.funnel_levels AS funnel_levels, j.funnel_skipped AS funnel_skipped,
         j.funnel_reached AS funnel_reached, j.funnel_excluded AS funnel_excluded,
         e.t_ms AS t_ms, ${EVENT_COLUMNS.map((c) => `e.${c} AS ${c}`).join(', ')}
    FROM (${eventsWithPerson(EVENT_COLUMNS, where, true, `(${members})`)}) AS e
    INNER JOIN (${journeys}) AS j ON e.person = j.key
   WHERE e.t_ms >= toUnixTimestamp64Milli(j.start) AND e.t_ms <= toUnixTimestamp64Milli(j.start) + {window_ms:Int64}`;
}

/**
 * Per journey and mode, each event with its stage (docs/semantics.md, "The
 * stage of an event"): a survey's named stage; else the stage reached at the
 * latest event at its named touchpoint; else the stage reached at the event
 * (the count of the mode's reach times at or before it). The journey's last
 * event (ties: highest stage, then event id) is its exit, at the stage
 * reached. Excluded journeys of a mode are left out of it.
 */
function attributedEvents(): string {
  // Arrays are computed per (journey, mode) first, then unrolled: inside one ARRAY JOIN an alias names the element, not the array.
  return `SELECT level, mode, toStartOfHour(start) AS hour, segment, journey_id,
         ev.4 AS raw_touchpoint, ev.5 AS channel, ev.6 AS online, ev.7 AS ticket, ev.8 AS nps, ev.9 AS csat, ev.12 AS comment, ev.1 AS t_ms,
         stage AS stage_index, toUInt8(i = event_count AND stage = reached_here) AS exit
    FROM
    (
        SELECT level, mode, start, segment, journey_id, events, length(events) AS event_count, reached_at,
               arrayMap((e, n) -> multiIf(
                   indexOf({stage_names:Array(String)}, e.10) > 0, toUInt8(indexOf({stage_names:Array(String)}, e.10)),
                   e.11 != '' AND arrayExists((x, m) -> m <= n AND x.4 = e.11, events, arrayEnumerate(events)),
                     reached_at[arrayLastIndex((x, m) -> m <= n AND x.4 = e.11, events, arrayEnumerate(events))],
                   reached_at[n]), events, arrayEnumerate(events)) AS stages
          FROM
          (
              SELECT level, mode, start, segment, journey_id, events,
                     arrayMap(e -> toUInt8(arrayCount(r -> toUnixTimestamp64Milli(r) <= e.1, reached)), events) AS reached_at
                FROM
                (
                    SELECT ${JOURNEY_FIELDS.split(', ').filter((f) => f !== 'level' && f !== 'journey_id').map((f) => `any(${f}) AS ${f}`).join(', ')},
                           level, journey_id,
                           arraySort(x -> (x.1, x.2, x.3), groupArray(${EVENT_TUPLE})) AS events
                      FROM ({journey_events})
                     GROUP BY level, journey_id
                )
                ARRAY JOIN funnel_modes AS mode, funnel_reached AS reached, funnel_excluded AS excluded
               WHERE excluded = 0
          )
    )
    ARRAY JOIN events AS ev, arrayEnumerate(events) AS i, reached_at AS reached_here, stages AS stage`;
}

/**
 * Every event of the sessions and person's journeys starting in [day_start,
 * day_end), with its journey's id, start, segment and progress arrays
 * (columns: level, journey_id, start, segment, funnel_*, t_ms and
 * EVENT_COLUMNS). Also read by the map's variant comparison, which keeps
 * only the events `eventFilter` (a condition on `events`' columns) lets
 * through.
 */
export function journeyEventsSql(level?: 'session' | 'person', eventFilter = '1'): string {
  if (level === 'session') return sessionEvents(eventFilter);
  if (level === 'person') return personEvents(eventFilter);
  return `${sessionEvents(eventFilter)}\n UNION ALL \n${personEvents(eventFilter)}`;
}

/** The INSERT that rebuilds the days' partitions into the staging table. */
export function stageActivityRollupSql(): string {
  const journeyEvents = journeyEventsSql();
  return `INSERT INTO {staging:Identifier} (pipeline, level, mode, hour, stage_index, segment, breakdown, touchpoint, channel, online, events, journeys, exits,
    nps_answers, nps_promoters, nps_detractors, csat_answers, csat_sum, csat_squares, tickets, comments)
SELECT pipeline_name AS pipeline, level, mode, hour, stage_index, segment, breakdown,
       if((breakdown = 'touchpoint') AS by_touchpoint, touchpoint, '') AS touchpoint_of, if(by_touchpoint, '', channel) AS channel_of, if(by_touchpoint, 0, online) AS online_of,
       count() AS events,
       uniqExact(journey_id) AS journeys,
       countIf(by_touchpoint AND exit = 1) AS exits,
       countIf(by_touchpoint AND isNotNull(nps)) AS nps_answers,
       countIf(by_touchpoint AND nps >= 9) AS nps_promoters,
       countIf(by_touchpoint AND nps <= 6) AS nps_detractors,
       countIf(by_touchpoint AND isNotNull(csat)) AS csat_answers,
       sumIf(toUInt64(ifNull(csat, 0)), by_touchpoint) AS csat_sum,
       sumIf(toUInt64(ifNull(csat, 0)) * toUInt64(ifNull(csat, 0)), by_touchpoint) AS csat_squares,
       countIf(by_touchpoint AND ticket = 1) AS tickets,
       groupArraySortedStateIf(3)(tuple(-t_ms, if(isNotNull(nps), 'nps', 'csat'), toUInt8(ifNull(nps, ifNull(csat, 0))), comment),
                                  by_touchpoint AND comment != '' AND (isNotNull(nps) OR isNotNull(csat))) AS comments
  FROM (SELECT {pipeline:String} AS pipeline_name, *, ${cleanTouchpointSql('raw_touchpoint')} AS touchpoint
          FROM (${attributedEvents().replace('{journey_events}', journeyEvents)}))
  -- Each event twice: by touchpoint and by channel (see the table's comment in migration 009).
  ARRAY JOIN ['touchpoint', 'channel'] AS breakdown
 GROUP BY pipeline, level, mode, hour, stage_index, segment, breakdown, touchpoint_of, channel_of, online_of`;
}
