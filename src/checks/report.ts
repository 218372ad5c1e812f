/**
 * A check kind's own report sections: what its results add to the launch record, the terminal
 * summary and the run's HTML page. They live in the kind's folder (`report.ts`), behind its
 * descriptor's `report`, and the reporters iterate the kinds for them, so a kind with its own
 * section touches its folder and the registry's list only. A section is drawn from the JSON
 * result (its view of it), never recomputed, and is synchronous: the reporters load the
 * sections of the kinds a result has once (`loadKindReports`, registry.ts), then render.
 */
import type { ChartSet } from '../render/charts.js';
import type { SafeHtml } from '../render/html.js';
import type { Colors } from '../render/terminal-style.js';
import type { MetricsResult } from './metrics/result.js';
import type { PathResult } from './paths/result.js';
import type { CheckResult } from './result.js';

/**
 * The run-level parts of a result that checks hand up (`CheckOutcome.runLevel`): the `paths`
 * check's paths, the `metrics` check's comparison. A part of the JSON result, by shape.
 */
export interface RunLevelView {
  paths: PathResult[];
  metrics?: MetricsResult | undefined;
}

/** What the reporters give a kind's sections: the whole result, by shape. */
export interface ResultView extends RunLevelView {
  checks: CheckResult[];
}

/** What a kind's section is drawn from. */
export interface KindView {
  /** The kind's own entries of the result's `checks`, in the result's order. */
  checks: CheckResult[];
  /** The run-level parts of the result (a kind reads the part it handed up). */
  run: RunLevelView;
}

/** What a kind's HTML section may use of the page it is on. */
export interface HtmlPage {
  /** The page's charts: `charts.slot(spec)` marks where one goes. */
  charts: ChartSet;
}

/** A kind's sections; each returns nothing (an empty list, empty HTML) when it has nothing to show. */
export interface KindReport {
  /** Markdown blocks of the launch record, its `## ` heading first (joined by blank lines). */
  record?: (view: KindView) => string[];
  /** Lines of the terminal summary, after the failed checks (a block starts with an empty line). */
  terminal?: (view: KindView, colors: Colors) => string[];
  /** The kind's section of the run's HTML page (the dashboard, `--html`, `compare --html`). */
  html?: (view: KindView, page: HtmlPage) => SafeHtml;
}

/** A descriptor's pointer to its kind's sections. */
export interface KindReportRef {
  /** The kind its checks' results carry (`CheckResult.kind`): the kind's sections see those. */
  kind: string;
  /**
   * Where the kind's sections stand among the other kinds' in every reporter, lower first
   * (the registry's order is the order of checks, which the sections need not follow).
   */
  order: number;
  /** Imports the sections; only the kinds a result has are loaded. */
  load: () => Promise<KindReport>;
}

/** The loaded sections of the kinds a result has, in their order. */
export type KindReports = readonly { kind: string; report: KindReport }[];

/** Each loaded kind's sections with its view of `result`, in order. */
export function kindViews(
  reports: KindReports,
  result: ResultView,
): { report: KindReport; view: KindView }[] {
  return reports.map(({ kind, report }) => ({
    report,
    view: { checks: result.checks.filter((c) => c.kind === kind), run: result },
  }));
}
