import type { JourneyDefinition } from '../journey/definition-schema.js';
import type { DriverDimension } from './stage-breakdown.js';

/** The dimensions bottleneck drivers are looked for in: the journey's breakdown dimensions and the entry touchpoint. */
export function driverDimensions(definition: JourneyDefinition): DriverDimension[] {
  return [...definition.dimensions, 'entry_touchpoint'];
}
