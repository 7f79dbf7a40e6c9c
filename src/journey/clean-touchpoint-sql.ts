/**
 * cleanTouchpoint (clean-touchpoint.ts) as a ClickHouse expression, for the
 * rollups that read touchpoints straight from `events` (the journey map's
 * stage activity): the stored column keeps the touchpoint as seen, so the
 * cleaning happens where it is aggregated. The same rules, rule for rule; a
 * conformance test (tests/integration/clean-touchpoint-sql.test.ts) runs
 * both on the same paths. RE2 and JavaScript differ on one point only: `\s`
 * in the email rule is ASCII whitespace here, Unicode whitespace there.
 */

const URL_PREFIX = "'^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*'";

/** The placeholder for one path segment `s` (cleanSegment). */
function segmentSql(s: string): string {
  const plain = `replaceAll(${s}, '%40', '@')`;
  return `multiIf(
      match(${plain}, '(?i)^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'), ':uuid',
      position(${plain}, '@') > 0 AND match(${plain}, '(?i)^[^@\\\\s]+@[^@\\\\s]+\\\\.[a-z]{2,}$'), ':email',
      match(${plain}, '^[0-9]+$'), ':id',
      match(${plain}, '^[0-9a-f]{8,}$') AND match(${plain}, '[0-9]'), ':hash',
      match(${plain}, '(?i)^[a-z0-9]{8,}$') AND match(${plain}, '(?i)[a-z]') AND countMatches(${plain}, '[0-9]') >= 2, ':id',
      ${s})`;
}

/** The cleaned touchpoint of the String expression `column` (a column name or a simple expression). */
export function cleanTouchpointSql(column: string): string {
  // A path: the touchpoint itself, or a URL's path ('/' when it has none).
  const rest = `replaceRegexpOne(${column}, ${URL_PREFIX}, '')`;
  const path = `if(startsWith(${column}, '/'), ${column}, if(${rest} = '', '/', if(startsWith(${rest}, '/'), ${rest}, concat('/', ${rest}))))`;
  const cleaned = `concat('/', arrayStringConcat(arrayMap(s -> ${segmentSql('s')}, arrayFilter(s -> s != '', splitByChar('/', extract(p, '^[^?#]*')))), '/'))`;
  // arrayMap over a one-element array names the path once (ClickHouse has no let).
  return `if(NOT startsWith(${column}, '/') AND NOT match(${column}, ${URL_PREFIX.replace("[^/?#]*'", "'")}), ${column},
      arrayMap(p -> if(NOT match(p, '[0-9?#@%]|//|./$'), p, ${cleaned}), [${path}])[1])`;
}
