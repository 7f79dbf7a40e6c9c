import type { JourneyEvent } from '../events/journey-event.js';
import { createUserAgentParser } from '../events/user-agent.js';
import type { JourneyDefinition } from './definition-schema.js';
import { compileMatchRule } from './match-rule.js';
import { compileChannelClassifier } from './channel-rules.js';
import { compileEventPath } from './event-path.js';
import { textOf } from '../core/text-of.js';

/** An event with what the journey definition says about it. */
export interface ClassifiedEvent {
  event: JourneyEvent;
  /** 1-based index of the stage this event reaches, 0 when it reaches none. */
  stageIndex: number;
  /**
   * 1-based index of the first stage whose `exclude` rules the event
   * matches, 0 for none. Only an event of no stage can be an exclusion: one
   * that matches a stage is that stage's event, so this is 0 whenever
   * stageIndex is not.
   */
  exclusionIndex: number;
  channel: string;
  /** Where the customer met us: page path for page views, event name otherwise. */
  touchpoint: string;
  device: string;
  browser: string;
  os: string;
  segment: string;
}

/**
 * Compiles a definition into a classifier. An event belongs to the first
 * stage (in definition order) any of whose rules match it, so every event
 * counts for at most one stage and funnels stay comparable with windowFunnel.
 * An event of no stage that matches a stage's `exclude` rules is an
 * exclusion of the first such stage (docs/semantics.md, "Exclusions").
 */
export function createClassifier(definition: JourneyDefinition): (event: JourneyEvent) => ClassifiedEvent {
  const stages = definition.stages.map((stage) => stage.match.map(compileMatchRule));
  const exclusions = definition.stages.map((stage) => (stage.exclude ?? []).map(compileMatchRule));
  const anyExclusions = exclusions.some((rules) => rules.length > 0);
  const channelOf = compileChannelClassifier(definition.channels);
  const parseUserAgent = createUserAgentParser();
  const segmentOf = compileEventPath(definition.segment.path);
  return (event) => {
    let stageIndex = 0;
    for (let i = 0; i < stages.length && stageIndex === 0; i++) {
      if (stages[i]!.some((test) => test(event))) stageIndex = i + 1;
    }
    let exclusionIndex = 0;
    if (stageIndex === 0 && anyExclusions) {
      for (let i = 0; i < exclusions.length && exclusionIndex === 0; i++) {
        if (exclusions[i]!.some((test) => test(event))) exclusionIndex = i + 1;
      }
    }
    const ua = parseUserAgent(event.userAgent);
    const appDevice = event.userAgent ? undefined : (event.context['device'] as Record<string, unknown> | undefined)?.['type'];
    const segment = segmentOf(event);
    return {
      event,
      stageIndex,
      exclusionIndex,
      channel: channelOf(event),
      touchpoint: touchpointOf(event),
      device: typeof appDevice === 'string' ? (/(ios|android|mobile)/i.test(appDevice) ? 'mobile' : appDevice) : ua.device,
      browser: ua.browser,
      os: ua.os,
      segment: textOf(segment) ?? '',
    };
  };
}

function touchpointOf(event: JourneyEvent): string {
  if (event.source === 'crm') {
    return event.name === 'activity' ? `crm:${textOf(event.properties['channel']) ?? ''}` : `crm:${event.name}`;
  }
  if (event.type === 'page' || event.type === 'screen') return event.pagePath || event.name || event.type;
  return event.name || event.type;
}
