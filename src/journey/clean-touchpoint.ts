/**
 * Touchpoints as the touchpoint paths store them (docs/semantics.md,
 * "Progress moves and touchpoint paths"): ids in URL paths are replaced by
 * placeholders, so that /products/123 and /products/456 are one touchpoint of
 * a Sankey diagram instead of thousands of one-session nodes.
 */

/** At most this many touchpoints are kept of a session's path. */
export const MAX_TOUCHPOINT_PATH = 100;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const NUMBER = /^\d+$/;
const HEX = /^[0-9a-f]{8,}$/;
const MIXED = /^[a-z0-9]{8,}$/i;
const DIGIT = /\d/;
const LETTER = /[a-z]/i;
const DIGITS = /\d/g;
/** What a path needs to contain for any rule to change it; anything else is kept as it is. */
const MAY_CHANGE = /[0-9?#@%]|\/\/|.\/$/;
const URL_PREFIX = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;

/** The placeholder for one segment of a path, or the segment itself. */
function cleanSegment(segment: string): string {
  const plain = segment.includes('%40') ? segment.replaceAll('%40', '@') : segment;
  if (UUID.test(plain)) return ':uuid';
  if (plain.includes('@') && EMAIL.test(plain)) return ':email';
  if (NUMBER.test(plain)) return ':id';
  if (HEX.test(plain) && DIGIT.test(plain)) return ':hash';
  if (MIXED.test(plain) && LETTER.test(plain) && (plain.match(DIGITS)?.length ?? 0) >= 2) return ':id';
  return segment;
}

/**
 * A touchpoint with the ids in it replaced. Only URL paths (starting with `/`)
 * and URLs (`https://host/…`, read as their path) change; event names and
 * `crm:…` touchpoints are kept as they are. In a path:
 *
 * - the query string and fragment are dropped (`/cart?step=2#top` → `/cart`);
 * - empty segments are dropped (`/cart/` and `//cart` → `/cart`; `/` stays);
 * - a segment that is a UUID becomes `:uuid`;
 * - an email address (also with `@` written `%40`) becomes `:email`;
 * - a number becomes `:id` (`/products/12345` → `/products/:id`; years too);
 * - 8 or more lower-case hex digits with at least one digit become `:hash`
 *   (`/u/5f3a9c0d` → `/u/:hash`);
 * - 8 or more letters and digits, with at least two digits and a letter,
 *   become `:id` (`/order/AB12CD34EF` → `/order/:id`);
 * - anything else is kept: words and slugs (`/blog/how-to-choose`,
 *   `/checkout/payment`, `/iphone-15-pro`), short codes (`/p/ab12`), case.
 */
export function cleanTouchpoint(touchpoint: string): string {
  let path = touchpoint;
  if (!path.startsWith('/')) {
    const prefix = URL_PREFIX.exec(path);
    if (!prefix) return touchpoint;
    path = path.slice(prefix[0].length) || '/';
    if (!path.startsWith('/')) path = `/${path}`;
  }
  if (!MAY_CHANGE.test(path)) return path;
  const cut = path.search(/[?#]/);
  if (cut >= 0) path = path.slice(0, cut);
  const segments = path.split('/').filter((segment) => segment !== '');
  return `/${segments.map(cleanSegment).join('/')}`;
}

/**
 * A session's touchpoint path from its touchpoints in event order: each
 * cleaned (`cleanTouchpoint`), consecutive equal ones collapsed into one, and
 * at most MAX_TOUCHPOINT_PATH kept: the first 99 and the last, so the path
 * always starts and ends where the session did.
 */
export function touchpointPath(touchpoints: Iterable<string>): string[] {
  const path: string[] = [];
  let last: string | undefined;
  let raw: string | undefined;
  for (const touchpoint of touchpoints) {
    // Sessions repeat touchpoints (the same page, the same event): clean each run once.
    if (touchpoint === raw) continue;
    raw = touchpoint;
    const cleaned = cleanTouchpoint(touchpoint);
    if (cleaned === last) continue;
    last = cleaned;
    if (path.length < MAX_TOUCHPOINT_PATH) path.push(cleaned);
    // Full: the last place holds the latest touchpoint, unless that repeats the one before it.
    else if (path[MAX_TOUCHPOINT_PATH - 2] === cleaned) path.length = MAX_TOUCHPOINT_PATH - 1;
    else path[MAX_TOUCHPOINT_PATH - 1] = cleaned;
  }
  return path;
}
