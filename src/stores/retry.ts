import { setTimeout as sleep } from 'node:timers/promises';

/** How a retried operation backs off. */
export interface RetryPolicy {
  /** Total tries, the first included. */
  attempts: number;
  /** Delay before the second try; doubles each time (full jitter). */
  baseDelayMs: number;
  /** Ceiling of one delay. */
  maxDelayMs: number;
  /** Stop retrying once this long has passed since the first try (no limit when absent). */
  giveUpAfterMs?: number;
}

/** Enough to ride out a server restart or a replica failover (~15 s in total). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseDelayMs: 250, maxDelayMs: 8_000 };

/**
 * Delay before try number `attempt + 1` (attempt counts from 1): exponential
 * with "full jitter" (uniform in [0, cap]), so writers that failed together do
 * not come back together.
 */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * cap);
}

/**
 * Runs `work` until it succeeds, `isRetriable` says an error cannot be helped
 * by trying again (the error is thrown at once), or the tries or the time are
 * used up (the last error is thrown). `onRetry` sees each error that will be
 * retried, and is awaited before the wait (a caller may keep a session alive there).
 */
export async function withRetry<T>(
  work: (attempt: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    isRetriable: (error: unknown) => boolean;
    onRetry?: (error: unknown, attempt: number, delayMs: number) => void | Promise<void>;
  },
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work(attempt);
    } catch (error) {
      const { attempts, giveUpAfterMs } = options.policy;
      if (attempt >= attempts || !options.isRetriable(error)) throw error;
      if (giveUpAfterMs !== undefined && Date.now() - started > giveUpAfterMs) throw error;
      const delayMs = backoffDelayMs(options.policy, attempt);
      await options.onRetry?.(error, attempt, delayMs);
      await sleep(delayMs);
    }
  }
}
