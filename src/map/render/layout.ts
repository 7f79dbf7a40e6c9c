/**
 * Column geometry shared by the stage grid and the emotion curve drawn
 * inside it: the curve's points sit at the centres of the grid's stage
 * columns, so both must use the same widths (fixed table layout).
 */

/** The row-label column of the stage grid, wide screens and phones. */
export const LABEL_COLUMN_PX = 168;
export const LABEL_COLUMN_PHONE_PX = 116;

/**
 * A stage column is wide enough for a touchpoint path and a comment
 * (176 px at least); with few stages the columns grow so three stages do
 * not sit in a narrow strip at a 1280 px screen. Twelve stages scroll.
 */
export function stageColumnPx(stageCount: number): number {
  return Math.max(176, Math.min(300, Math.floor(1060 / Math.max(1, stageCount))));
}
