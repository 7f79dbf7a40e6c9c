import { DEFAULT_LIMITS } from '../events/limits.js';
import type { DecodeContext } from '../events/decode-context.js';
import type { CompiledPipeline } from '../pipeline/compiled-pipeline.js';

/** The decode context every benchmark that decodes without a processor uses: default limits, no email salt, a fixed receipt time. */
export function benchDecodeContext(pipeline: CompiledPipeline): DecodeContext {
  return { limits: DEFAULT_LIMITS, identity: pipeline.definition.identity, emailSalt: undefined, receivedAtMs: Date.parse('2026-12-01T00:00:00Z') };
}
