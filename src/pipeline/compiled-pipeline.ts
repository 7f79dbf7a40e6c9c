import type { JourneyDefinition } from '../journey/definition-schema.js';
import { createClassifier, type ClassifiedEvent } from '../journey/classify.js';
import { createJsonRecordDecoder } from '../events/decode-json-record.js';
import { createCsvRowDecoder } from '../events/decode-csv-row.js';
import { DEFAULT_LIMITS, type InputLimits } from '../events/limits.js';
import type { SplitSettings } from '../sessions/split-sessions.js';
import type { RecordContext } from '../sessions/session-record.js';
import type { JourneyEvent } from '../events/journey-event.js';
import type { DecodeContext } from '../events/decode-context.js';
import { dead, type Origin, type StepResult } from '../core/result.js';
import { stageRulesOf } from '../journey/stage-rules.js';

/** A raw input record as a source hands it over. */
export interface RawRecord {
  raw: string;
  /**
   * The original bytes, set only when they are not valid UTF-8: `raw` is then
   * their decoding with U+FFFD for each invalid sequence, and a dead letter
   * keeps these bytes (docs/events.md).
   */
  bytes?: Uint8Array;
  origin: Origin;
  /** CSV fields by column name, when the source is a CSV reader. */
  fields?: Record<string, string>;
  /** A framing error found by the source (e.g. a CSV row with the wrong column count). */
  error?: string;
  /** When the record reached us; the processor's clock when absent. */
  receivedAtMs?: number;
}

/** A journey definition compiled once into everything the hot path needs. */
export interface CompiledPipeline {
  definition: JourneyDefinition;
  name: string;
  stageNames: string[];
  split: SplitSettings & { allowedLatenessMs: number };
  useSourceSessionId: boolean;
  decode(record: RawRecord, ctx: DecodeContext): StepResult<JourneyEvent>;
  classify(event: JourneyEvent): ClassifiedEvent;
  recordContext(stream: string, watermarkMs: number): RecordContext;
}

export function compilePipeline(definition: JourneyDefinition, limits: InputLimits = DEFAULT_LIMITS): CompiledPipeline {
  const stageNames = definition.stages.map((stage) => stage.name);
  const indexOf = (name: string) => stageNames.indexOf(name) + 1;
  const decodeJson = createJsonRecordDecoder(limits);
  const decodeCsv = definition.csv ? createCsvRowDecoder(definition.csv, limits) : undefined;
  const abandonment = definition.abandonment.map((rule) => ({
    name: rule.name,
    fromIndex: indexOf(rule.from),
    toIndex: indexOf(rule.to),
    withinMs: rule.within,
  }));
  const conversionStageIndex = definition.funnel.conversionStage ? indexOf(definition.funnel.conversionStage) : stageNames.length;
  const sessionRules = stageRulesOf(definition, Infinity);
  return {
    definition,
    name: definition.name,
    stageNames,
    useSourceSessionId: definition.sessions.useSourceSessionId,
    split: {
      inactivityGapMs: definition.sessions.inactivityGap,
      maxDurationMs: definition.sessions.maxDuration,
      allowedLatenessMs: definition.sessions.allowedLateness,
      splitOnInactivity: !definition.sessions.useSourceSessionId,
    },
    decode(record, ctx) {
      if (record.error) return dead('read', record.error);
      if (record.fields) {
        if (!decodeCsv) return dead('decode-csv', `pipeline ${definition.name} has no csv mapping; add a csv: section to read CSV`);
        return decodeCsv(record.fields, record.raw, ctx);
      }
      return decodeJson(record.raw, ctx);
    },
    classify: createClassifier(definition),
    recordContext: (stream, watermarkMs) => ({
      pipeline: definition.name,
      stream,
      stageNames,
      conversionStageIndex,
      rules: sessionRules,
      abandonment,
      watermarkMs,
    }),
  };
}
