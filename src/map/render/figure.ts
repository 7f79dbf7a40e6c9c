/**
 * A number on the page: its formatted text plus stable hooks for tests and
 * tools (`data-figure` names the field, `data-value` holds the raw number
 * from the JourneyMap, "null" when it is not defined), so nobody has to
 * parse "12,345" or "45.7%" back.
 */
import { html, type Html } from './escape.js';

export function figure(name: string, value: number | null, text: string, className = 'fig'): Html {
  return html`<span class="${className}" data-figure="${name}" data-value="${value === null ? 'null' : String(value)}">${text}</span>`;
}
