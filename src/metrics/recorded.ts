/**
 * A recorded baseline: the candidate side of an earlier `--json` result (its blocks and
 * histograms) stands in for the baseline. Nothing is started for it, and its blocks were
 * not interleaved with this run's, so machine drift between the two runs is not cancelled.
 */
import { readFile } from 'node:fs/promises';
import type { MetricsBlock, PathHistogramResult } from '../checks/metrics/result.js';
import type { SampleBlock } from '../stats/samples.js';
import { MetricsError } from './errors.js';

/** The baseline blocks and histograms taken from a recorded JSON result. */
export interface RecordedBaseline {
  blocks: MetricsBlock[];
  /** The same blocks as the comparison reads them: block percentiles and counts, no raw samples. */
  samples: SampleBlock[];
  histograms: PathHistogramResult[];
}

/** Read a recorded result's candidate blocks as baseline blocks. */
export async function readRecordedBaseline(file: string): Promise<RecordedBaseline> {
  let parsed: { metrics?: { blocks?: MetricsBlock[]; histograms?: { candidate?: PathHistogramResult[] } } };
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new MetricsError(
      'METRICS_BAD_RECORD',
      `could not read the recorded baseline ${file}: ${(error as Error).message}`,
    );
  }
  const blocks = parsed.metrics?.blocks?.filter(
    (b) => b.side === 'candidate' && !b.warmup && (b.phase ?? 'main') === 'main',
  );
  if (!blocks || blocks.length === 0) {
    throw new MetricsError(
      'METRICS_BAD_RECORD',
      `${file} has no metrics blocks; record one with \`preflight compare REF --json FILE\` or \`preflight run --json FILE\``,
    );
  }
  const renumbered = blocks.map((b, i) => ({
    ...b,
    side: 'baseline' as const,
    round: i,
    phase: 'main' as const,
  }));
  return {
    blocks: renumbered,
    samples: renumbered.map((b) => ({
      side: 'baseline' as const,
      round: b.round,
      paths: b.paths.map((p) => ({
        path: p.path,
        iterations: p.count,
        errors: Math.round((p.errors * p.count) / 100),
        throughput: p.throughput,
        latencies: null,
        values: { p50: p.p50, p95: p.p95, p99: p.p99 },
        steps: [],
      })),
    })),
    histograms: parsed.metrics?.histograms?.candidate ?? [],
  };
}
