const DAY_MS = 86_400_000;

/** Sorted distinct days (any time of a day stands for the day) merged into [from, to) ranges of consecutive days. */
export function dayRanges(days: Iterable<number>): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const day of [...new Set([...days].map((ms) => Math.floor(ms / DAY_MS) * DAY_MS))].sort((a, b) => a - b)) {
    const last = ranges[ranges.length - 1];
    if (last && day <= last[1]) last[1] = Math.max(last[1], day + DAY_MS);
    else ranges.push([day, day + DAY_MS]);
  }
  return ranges;
}
