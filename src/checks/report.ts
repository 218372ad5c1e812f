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

/** A kind's sections in one place of the reporters; each returns nothing (an empty list, empty HTML) when it has nothing to show. */
export interface KindSections {
  /** Markdown blocks of the launch record, a block with its heading first (joined by blank lines). */
  record?: (view: KindView) => string[];
  /** Lines of the terminal summary (a block starts with an empty line). */
  terminal?: (view: KindView, colors: Colors) => string[];
  /** The kind's section of the run's HTML page (the dashboard, `--html`, `compare --html`). */
  html?: (view: KindView, page: HtmlPage) => SafeHtml;
}

/**
 * A kind's sections. Its own members stand in the kinds' place: the record's after Findings, the
 * terminal's after the failed checks, the page's after Checks. A kind whose results lead the
 * run (the critical paths) puts sections in `lead`, before the generic ones (the record's after
 * the Summary, the terminal's before the failed checks, the page's before Checks), and what
 * closes them in `tail` (the record's before Files touched, the terminal's before the verdict).
 */
export interface KindReport extends KindSections {
  lead?: KindSections;
  tail?: KindSections;
}

/** Where a kind's sections stand in a reporter: `lead`, the kinds' own place (`main`), `tail`. */
export type KindPlace = 'lead' | 'main' | 'tail';

/** The sections of `report` for `place`. */
export function sectionsAt(report: KindReport, place: KindPlace): KindSections {
  return place === 'main' ? report : (report[place] ?? {});
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
  /**
   * What the record says in the kind's `lead` place when the result has none of its checks
   * (its sections are not loaded then): a `## title` and a note.
   */
  absent?: { title: string; note: string };
}

/** The loaded sections of the kinds a result has, in their order (with what an absent kind says). */
export type KindReports = readonly { kind: string; report: KindReport }[];

/** What a kind the result does not have says in its `lead` place (its `absent`): loads nothing. */
export function absentReport(absent: { title: string; note: string }): KindReport {
  return { lead: { record: () => [`## ${absent.title}`, absent.note] } };
}

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
