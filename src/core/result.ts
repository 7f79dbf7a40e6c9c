/**
 * Outcomes of a processing step. Steps never throw for bad data: they return a
 * `dead` result naming the step and the reason, and the runner alone decides
 * where dead letters go (table, topic) and counts every outcome.
 */
export interface Issue {
  /** Dot path into the record, e.g. `context.page.url`; empty for the record itself. */
  path: string;
  message: string;
}

export type StepResult<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'dead'; step: string; reason: string; issues: Issue[] };

export function ok<T>(value: T): StepResult<T> {
  return { kind: 'ok', value };
}

export function dead<T = never>(step: string, reason: string, issues: Issue[] = []): StepResult<T> {
  return { kind: 'dead', step, reason, issues };
}

/** Where a record came from, kept on dead letters so a person can find it again. */
export type Origin = (
  | { kind: 'file'; file: string; line: number }
  | { kind: 'stdin'; line: number }
  | { kind: 'kafka'; topic: string; partition: number; offset: string }
  | { kind: 'generator'; line: number }
  /** A collector request (`journeys collect`): its path and the collector's id for the request. */
  | { kind: 'http'; path: string; request: string }
) & {
  /** The event's place (0-based) in a JSON array or `{"batch": [...]}` body read as several events (json-bodies.ts). */
  index?: number;
};

function placeOf(origin: Origin): string {
  switch (origin.kind) {
    case 'file':
      return `${origin.file}:${origin.line}`;
    case 'stdin':
      return `stdin:${origin.line}`;
    case 'kafka':
      return `${origin.topic}/${origin.partition}@${origin.offset}`;
    case 'generator':
      return `generator:${origin.line}`;
    case 'http':
      return `http:${origin.path}@${origin.request}`;
  }
}

export function describeOrigin(origin: Origin): string {
  return origin.index === undefined ? placeOf(origin) : `${placeOf(origin)}#${origin.index}`;
}

/** A record that failed a step, with everything needed to inspect or replay it. */
export interface DeadLetter {
  raw: string;
  /** The record's original bytes, only when they are not valid UTF-8 (`raw` then has U+FFFD for each invalid sequence). */
  bytes?: Uint8Array | undefined;
  origin: Origin;
  step: string;
  reason: string;
  issues: Issue[];
  receivedAtMs: number;
}
