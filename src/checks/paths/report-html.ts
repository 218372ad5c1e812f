/**
 * The `paths` check's sections of the run's HTML page: the failures (each failed critical path
 * with its rollback note and its failed steps: request, assertions, response excerpt) and a
 * step timing chart per path. Every value from the result is text, escaped by `html`.
 */
import type { ChartSpec } from '../../render/charts.js';
import { formatValue } from '../../render/format.js';
import { html, type SafeHtml } from '../../render/html.js';
import { duration, statusText } from '../../render/html-format.js';
import type { HtmlPage, KindView } from '../report.js';
import type { PathResult, StepResult } from './result.js';

/** "Failures", then "Step timings": the sections before the page's Checks. */
export function pathsLeadHtml(view: KindView, page: HtmlPage): SafeHtml {
  return html`${failuresSection(view.run.paths)}
${timingCharts(view.run.paths, page)}`;
}

/** "Failures": each failed critical path with its rollback note and its failed steps. */
function failuresSection(paths: PathResult[]): SafeHtml {
  const failed = paths.filter((p) => p.status === 'fail' || p.status === 'error');
  if (failed.length === 0) return html``;
  return html`<h2>Failures</h2>${failed.map(failedPath)}`;
}

function failedPath(path: PathResult): SafeHtml {
  const steps = path.steps.filter((s) => s.status === 'fail' || s.status === 'error');
  return html`<section class="failure" data-failed-path="${path.name}">
<h3>Critical path <code>${path.name}</code>: ${statusText(path.status)}</h3>
<dl class="facts"><dt>owner</dt><dd>${path.owner}</dd><dt>expect</dt><dd>${path.expect}</dd></dl>
<div class="rollback"><strong>Rollback:</strong> <span class="rollback-note">${path.rollback}</span></div>
${steps.map(failedStep)}
</section>`;
}

function failedStep(step: StepResult): SafeHtml {
  const request = step.request;
  return html`<div class="failed-step" data-step="${step.name}">
<h4>Step <code>${step.name}</code>: ${statusText(step.status)} after ${duration(step.duration_ms)}</h4>
<dl class="facts">
${request ? html`<dt>request</dt><dd><code>${request.method} ${request.url}</code></dd>` : ''}
${step.attempts > 1 ? html`<dt>attempts</dt><dd>${step.attempts}</dd>` : ''}
${step.source ? html`<dt>defined at</dt><dd><code>${step.source.file}:${step.source.line}:${step.source.column}</code></dd>` : ''}
${step.error ? html`<dt>error</dt><dd><code>${step.error.code}</code> ${step.error.message}</dd>` : ''}
</dl>
${assertionTable(step)}
${request?.body ? html`<p>Request body:</p><pre class="request-body">${request.body}</pre>` : ''}
${responseExcerpt(step)}
</div>`;
}

function assertionTable(step: StepResult): SafeHtml {
  const failures = step.failures ?? [];
  if (failures.length === 0) return html``;
  const rows = failures.map(
    (f) =>
      html`<tr><td>${f.assertion}</td><td><code>${formatValue(f.expected)}</code></td><td><code>${formatValue(f.actual)}</code></td><td>${f.message}</td></tr>`,
  );
  return html`<table class="assertions"><thead><tr><th>assertion</th><th>expected</th><th>actual</th><th>message</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

function responseExcerpt(step: StepResult): SafeHtml {
  const response = step.response;
  if (!response) return html``;
  const headers = Object.entries(response.headers).map(([k, v]) => `${k}: ${v}`);
  const cut = response.truncated ? ', first bytes' : '';
  return html`<p>Response ${response.status} (${response.size} bytes${cut}):</p>
<pre class="response-headers">${headers.join('\n')}</pre>
<pre class="response-body">${response.body}</pre>`;
}

function timingCharts(paths: PathResult[], page: HtmlPage): SafeHtml {
  const timed = paths.filter((p) => p.steps.length > 0);
  if (timed.length === 0) return html``;
  return html`<h2>Step timings</h2>${timed.map((p) => page.charts.slot(stepTimingChart(p)))}`;
}

/** A bar chart of the step durations of one critical path in one run. */
export function stepTimingChart(path: PathResult): ChartSpec {
  const steps = path.steps;
  return {
    kind: 'bars',
    title: `${path.name}: step durations (ms)`,
    xLabel: 'step',
    x: steps.map((_, i) => i),
    ticks: steps.map((s) => s.name),
    series: [
      {
        label: 'duration',
        unit: 'ms',
        values: steps.map((s) => (s.status === 'skip' ? null : s.duration_ms)),
      },
    ],
  };
}
