/**
 * The map's stage columns from figures read elsewhere: the funnel rows
 * (readFunnel), the stage activity (readStageActivity) and the abandonment
 * rules (abandonmentReport). The only arithmetic here is the map's two
 * rates, pinned in docs/semantics.md: tickets per 100 journeys with an event
 * of the stage, and bounces over the same journeys.
 */
import type { FunnelStage } from '../metrics/funnel-report.js';
import type { AbandonmentRuleTotals } from '../metrics/abandonment-report.js';
import type { StageColumn } from './journey-map.js';
import { stageActivity, type ActivityByValue } from './read-stage-activity.js';

const rate = (part: number, whole: number, scale = 1) => (whole === 0 ? null : Math.round(((part * scale) / whole) * 1e4) / 1e4);

export function stageColumns(options: {
  stages: ReadonlyArray<{ name: string; description?: string | undefined }>;
  funnel: readonly FunnelStage[];
  activity: ActivityByValue;
  /** The activity's value: '' for everyone, else a segment. */
  value: string;
  abandonment: readonly AbandonmentRuleTotals[];
}): StageColumn[] {
  return options.funnel.map((row, i): StageColumn => {
    const activity = stageActivity(options.activity, options.value, i + 1);
    const present = row.entered - row.skipped;
    const exits = activity.exitTouchpoints.reduce((sum, t) => sum + t.exits, 0);
    // Exits of all touchpoints, not only the top ones: the journeys whose furthest stage this is.
    const allExits = row.dropped ?? row.entered - row.skipped;
    return {
      stage: row.stage,
      index: i + 1,
      description: options.stages[i]?.description ?? null,
      funnel: row,
      time_in_stage: { median_ms: row.median_time_in_stage_ms, p90_ms: row.p90_time_in_stage_ms, journeys: present },
      touchpoints: activity.touchpoints,
      channels: activity.channels,
      emotions: activity.emotions,
      pain_points: {
        abandonment: options.abandonment
          .filter((rule) => rule.from === row.stage)
          .map((rule) => ({ rule: rule.rule, to: rule.to, within_ms: rule.within_ms, started: rule.started, known: rule.known, abandoned: rule.abandoned, rate: rule.rate })),
        exit_touchpoints: activity.exitTouchpoints.map((t) => ({ touchpoint: t.touchpoint, exits: t.exits, share: rate(t.exits, Math.max(allExits, exits)) ?? 0 })),
        tickets: { opened: activity.tickets, per_100: rate(activity.tickets, present, 100) },
        bounces: { journeys: row.bounced, rate: rate(row.bounced, present) },
      },
    };
  });
}
