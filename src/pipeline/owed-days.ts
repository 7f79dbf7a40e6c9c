/**
 * The days (UTC midnight, ms) whose rollups a stream owes: touched by
 * sessions written since their last rebuild, or handed over for a rebuild
 * that has not finished. Both count as owed in a checkpoint, so a crash
 * never leaves a rollup stale; a day touched again during its rebuild is
 * owed anew.
 */
export class OwedDays {
  private readonly touched = new Set<number>();
  private readonly rebuilding = new Set<number>();

  constructor(owed: readonly number[] = []) {
    for (const day of owed) this.touched.add(day);
  }

  touch(day: number): void {
    this.touched.add(day);
  }

  /** Every owed day, for a checkpoint. */
  get all(): number[] {
    return [...new Set([...this.touched, ...this.rebuilding])];
  }

  get none(): boolean {
    return this.touched.size === 0 && this.rebuilding.size === 0;
  }

  /** Hands over every owed day for a rebuild (still owed until `rebuilt`). */
  takeAll(): number[] {
    this.take([...this.touched]);
    return [...this.rebuilding];
  }

  /** Hands over the touched days up to `lastDay` for a rebuild. */
  takeUpTo(lastDay: number): number[] {
    return this.take([...this.touched].filter((day) => day <= lastDay));
  }

  rebuilt(days: readonly number[]): void {
    for (const day of days) this.rebuilding.delete(day);
  }

  private take(days: number[]): number[] {
    for (const day of days) {
      this.touched.delete(day);
      this.rebuilding.add(day);
    }
    return days;
  }
}
