/**
 * The customer journey map as one object (docs/semantics.md, "The journey
 * map"): what `journeys map --json` prints, what the page shows and what
 * `journeys serve` answers at /api/map. Every figure is read by
 * readJourneyMap from the rollups the CLI reads (`funnel`, `abandonment`,
 * `bottlenecks`); the renderer only lays them out.
 */
import type { FunnelLevel, FunnelMode } from '../journey/definition-schema.js';
import type { FunnelStage } from '../metrics/funnel-report.js';
import type { AbandonmentRuleTotals } from '../metrics/abandonment-report.js';

/** Bumped when a field changes meaning: the served page checks it. */
export const JOURNEY_MAP_FORMAT = 1;

export interface JourneyMap {
  format: typeof JOURNEY_MAP_FORMAT;
  pipeline: string;
  description: string;
  level: FunnelLevel;
  mode: FunnelMode;
  /** 'sessions' at level session, 'journeys' at level person: the noun every count is of. */
  unit: 'sessions' | 'journeys';
  /** The journey window at level person (ms), null at level session. */
  journey_window_ms: number | null;
  /** Journeys that started in [from, to) count (ISO, UTC, rounded down to the hour). */
  period: MapPeriod;
  /** The segment the whole map is filtered to; null for everyone. */
  segment: string | null;
  /** When the map was read (ISO). */
  generated_at: string;
  /** The pipeline's watermark (ISO): events up to about this time are in; null before any. */
  data_until: string | null;
  /** The stage columns, in definition order, for everyone (or the segment). */
  stages: StageColumn[];
  /** The conversion stage's name (funnel.conversionStage), null when the pipeline names none. */
  conversion_stage: string | null;
  /** Every abandonment rule, in this level and mode. */
  abandonment: MapAbandonmentRule[];
  /** The ranked stage transitions (`journeys bottlenecks`), against the previous period of equal length. */
  opportunities: MapOpportunity[];
  flow: MapFlow;
  /** The same columns per segment value (personas), largest first; at most MAX_PERSONAS. */
  personas: MapPersona[];
  comparison: MapComparison | null;
  /** Plain sentences about what the map cannot show (e.g. answers without a stage). */
  notes: string[];
}

export interface MapPeriod {
  from: string;
  to: string;
}

export interface StageColumn {
  stage: string;
  /** 1-based, as stage_index in the tables. */
  index: number;
  description: string | null;
  /** Exactly the row `journeys funnel --json` prints for this stage. */
  funnel: FunnelStage;
  /** From reaching the stage to reaching the next one or the journey's last event, over journeys with an event of it. */
  time_in_stage: { median_ms: number | null; p90_ms: number | null; journeys: number };
  /** The stage's most frequent touchpoints (events attributed to the stage), at most 5. */
  touchpoints: MapTouchpoint[];
  /** Channels of the events attributed to the stage, most events first. */
  channels: MapChannel[];
  emotions: StageEmotions;
  pain_points: StagePainPoints;
}

export interface MapTouchpoint {
  touchpoint: string;
  /** Events at this touchpoint attributed to the stage. */
  events: number;
  /** Journeys with at least one of them. */
  journeys: number;
  /** events / all events attributed to the stage. */
  share: number;
}

export interface MapChannel {
  channel: string;
  /** false for the CRM's offline channels (Phone, Meeting, Store, …), true for web and app channels. */
  online: boolean;
  events: number;
  journeys: number;
  share: number;
}

export interface StageEmotions {
  nps: NpsFigure | null;
  csat: CsatFigure | null;
  /** The most recent answers with a comment, newest first, at most 3. */
  comments: SurveyComment[];
}

export interface NpsFigure {
  answers: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** % promoters − % detractors, −100…100, one decimal. */
  score: number;
  /** 95 % confidence interval of the score (normal approximation of the difference of two shares). */
  ci_low: number;
  ci_high: number;
}

export interface CsatFigure {
  answers: number;
  /** Mean score, 1–5, two decimals. */
  mean: number;
  /** 95 % confidence interval of the mean (t interval; null with one answer). */
  ci_low: number | null;
  ci_high: number | null;
}

export interface SurveyComment {
  at: string;
  type: 'nps' | 'csat';
  score: number;
  text: string;
}

export interface StagePainPoints {
  /** The abandonment rules that start at this stage, with their rate. */
  abandonment: Array<{ rule: string; to: string; within_ms: number; started: number; known: number; abandoned: number; rate: number | null }>;
  /** Where journeys whose furthest stage is this one had their last event, at most 5. */
  exit_touchpoints: Array<{ touchpoint: string; exits: number; share: number }>;
  /** Support tickets opened while at the stage, and per 100 journeys that were at it (entered − skipped). */
  tickets: { opened: number; per_100: number | null };
  /** Journeys made of a single event, of this stage; rate = of the journeys with an event of it (entered − skipped). */
  bounces: { journeys: number; rate: number | null };
}

/** A rule as `journeys abandonment --json` prints it, without its buckets. */
export type MapAbandonmentRule = AbandonmentRuleTotals;

export interface MapOpportunity {
  rank: number;
  from_stage: string;
  to_stage: string;
  bottleneck: boolean;
  conversion: number | null;
  baseline_conversion: number | null;
  lost: number;
  p_value: number | null;
  significant: boolean;
  sentence: string;
}

export interface MapFlow {
  /** Progress moves (stage_transitions_hourly): (entry) → stage → … → (exit), with the stages each move skipped. */
  stages: Array<{ from: string; to: string; journeys: number; skipped: number }>;
  /** The most taken touchpoint steps of sessions (touchpoint_transitions_hourly), at most 40; sessions only. */
  touchpoints: Array<{ from: string; to: string; sessions: number; steps: number }>;
}

export interface MapPersona {
  dimension: 'segment';
  value: string;
  /** Journeys that entered the first stage. */
  journeys: number;
  stages: StageColumn[];
}

export interface MapComparison {
  kind: 'previous' | 'duration' | 'variant';
  /** What A and B are: periods (A = this one) or variant values. */
  a: ComparedSide;
  b: ComparedSide;
  /** Below this many journeys at a stage on either side, no verdict is given. */
  min_sample: number;
  /** Family-wise level; each stage is tested at alpha / tested stages (Bonferroni). */
  alpha: number;
  stages: ComparedStage[];
}

export interface ComparedSide {
  label: string;
  period: MapPeriod;
  /** The variant value (kind 'variant'); null for periods. */
  variant: string | null;
  journeys: number;
}

export interface ComparedStage {
  stage: string;
  /** Journeys that were at the stage (entered − skipped) and that advanced, on each side. */
  a_at: number;
  a_advanced: number;
  a_conversion: number | null;
  b_at: number;
  b_advanced: number;
  b_conversion: number | null;
  /** a_conversion − b_conversion (share points as a fraction); null when either is null. */
  difference: number | null;
  /** Two-proportion z-test, two-sided; null when not tested (too few, or the last stage). */
  p_value: number | null;
  significant: boolean;
  verdict: 'better' | 'worse' | 'no significant difference' | 'too few to tell' | 'not applicable';
}
