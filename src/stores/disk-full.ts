/**
 * ClickHouse's ways of saying a disk is full: NOT_ENOUGH_SPACE (code 243:
 * a part could not reserve its size, or free space is under
 * min_free_disk_bytes_to_perform_insert) and the OS's ENOSPC (errno 28) from
 * a write. Retrying cannot help until someone frees space, so these are never
 * retried: the pipeline's write retries would otherwise wait silently for
 * up to 15 minutes.
 */
const DISK_FULL = /\(NOT_ENOUGH_SPACE\)|\bCode: 243\b|No space left on device|errno: 28\b|\bENOSPC\b/;

export function isDiskFull(message: string): boolean {
  return DISK_FULL.test(message);
}
