/**
 * Cells the HTML pages and the kinds' HTML sections share: status words, durations, numbers
 * and signed changes. Pure functions of the values they are given.
 */
import { formatDuration } from './format.js';
import { html, type SafeHtml } from './html.js';

/** A status word coloured by what it means (pass, fail, error, warn, skip). */
export function statusText(status: string, flaky = false): SafeHtml {
  return html`<span class="status-${status}">${status}</span>${flaky ? html` <span class="muted">(flaky)</span>` : ''}`;
}

/** A duration for people (`340 ms`, `1.24 s`). */
export function duration(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : formatDuration(ms);
}

/** A number of ms with one decimal, or a dash. */
export function millis(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '–' : `${Math.round(ms * 10) / 10} ms`;
}

/** A percentage with one decimal, or a dash. */
export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${Math.round(value * 10) / 10} %`;
}

/** A change shown with its sign; red when it got worse (higher), green when better. */
export function changeCell(change: number | null, unit = '%'): SafeHtml {
  if (change === null || !Number.isFinite(change)) return html`<span class="muted">–</span>`;
  const rounded = Math.round(change * 10) / 10;
  const cls = rounded > 0 ? 'change-worse' : rounded < 0 ? 'change-better' : 'muted';
  return html`<span class="${cls}">${rounded > 0 ? '+' : ''}${rounded} ${unit}</span>`;
}
