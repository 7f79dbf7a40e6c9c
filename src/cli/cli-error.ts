/** A mistake the user can fix: printed as is (no stack), exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
