/**
 * Label fitting for pre-rendered SVG: the page cannot measure text on the
 * server, so widths are estimated from the character count with a
 * deliberately generous average glyph width, and labels that would not fit
 * their slot are cut with an ellipsis (the whole text stays in <title>).
 */

/** Average advance of a sans-serif glyph relative to the font size; generous so estimates err wide. */
const GLYPH_WIDTH_EM = 0.62;

export function estimateTextWidthPx(text: string, fontPx: number): number {
  return [...text].length * fontPx * GLYPH_WIDTH_EM;
}

/** The text itself when it fits maxWidthPx, otherwise its start plus "…" (cut on code points, never inside a pair). */
export function fitText(text: string, maxWidthPx: number, fontPx: number): string {
  const chars = [...text];
  const fits = Math.floor(maxWidthPx / (fontPx * GLYPH_WIDTH_EM));
  if (chars.length <= fits) return text;
  return `${chars.slice(0, Math.max(1, fits - 1)).join('')}…`;
}

/** Rounds an SVG coordinate to one decimal: smaller markup, no visible change. */
export function px(n: number): string {
  return String(Math.round(n * 10) / 10);
}
