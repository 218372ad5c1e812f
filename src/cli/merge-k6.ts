/**
 * `preflight merge --k6 FILES`: join the raw outputs (`k6 run --out json=FILE`) of several k6
 * processes or pods that ran the same exported script (the k6 operator's `parallelism: N`, one
 * file per runner pod) into one set of per-path latencies, merged sample by sample, and check the
 * plan's SLOs on it once: the aggregate verdict across pods that the operator itself does not give
 * (each pod judges its own thresholds on its own share). Exit 0 when every SLO holds, 1 when one
 * is broken or a path failed iterations it should not, 2 for bad input.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readK6Raw } from '../ecosystem/k6/raw.js';
import { checkSlos } from '../metrics/judge.js';
import { toPathRecords } from '../metrics/k6-engine.js';
import { summarizeRecords } from '../probe/recorder.js';
import { EXIT } from './exit-codes.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';

/** Flags of `preflight merge --k6`. */
export interface MergeK6Flags {
  plan?: string;
  json?: string;
  color?: boolean;
}

/** Merge k6 raw outputs and check the plan's SLOs; returns the exit code. */
export async function mergeK6Command(files: string[], flags: MergeK6Flags): Promise<number> {
  const loaded = await loadPlanOrReport(flags.plan ?? 'preflight.yaml', stderrColor(flags.color));
  if (!loaded) return EXIT.USAGE;
  let samples: Awaited<ReturnType<typeof readK6Raw>>;
  try {
    samples = await readK6Raw(files);
  } catch (error) {
    process.stderr.write(`preflight merge --k6: ${(error as Error).message}\n`);
    return EXIT.USAGE;
  }
  const all = loaded.plan.critical_paths ?? [];
  const paths = all.filter((p) => samples.paths.has(p.name));
  if (paths.length === 0) {
    const names = all.map((p) => p.name).join(', ') || 'none';
    process.stderr.write(
      `preflight merge --k6: no iteration of a critical path of ${loaded.file} in ${files.join(', ')} (the plan's paths: ${names}; write the files with k6 run --out json=FILE on a script from preflight export k6)\n`,
    );
    return EXIT.USAGE;
  }
  const seconds = samples.lastMs > samples.firstMs ? (samples.lastMs - samples.firstMs) / 1000 : 0;
  const summaries = summarizeRecords(toPathRecords(paths, samples, false), seconds);
  const slo = checkSlos(paths, summaries);
  const broken = slo.filter((s) => !s.pass);
  const lines = [
    `merged ${files.length} k6 output file${files.length === 1 ? '' : 's'} (${samples.points} points, ${Math.round(seconds)} s):`,
    ...summaries.map(
      (s) =>
        `  ${s.path}: ${s.iterations} iterations, ${s.errors} failed (${s.error_rate} %), p50 ${s.p50_ms} ms, p95 ${s.p95_ms} ms, p99 ${s.p99_ms} ms, ${s.rate}/s`,
    ),
    ...slo.map(
      (s) =>
        `  ${s.pass ? 'ok  ' : 'FAIL'} ${s.path} slo.${s.objective}: ${s.actual} ${s.pass ? '<=' : '>'} ${s.limit}`,
    ),
    broken.length === 0
      ? `every SLO holds over all ${files.length} outputs`
      : `SLO broken over all ${files.length} outputs: ${broken.map((s) => `${s.path} ${s.objective} ${s.actual} > ${s.limit}`).join('; ')}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (flags.json) {
    const out = { files, seconds, paths: summaries.map(({ distribution, ...rest }) => rest), slo };
    await writeFile(path.resolve(flags.json), `${JSON.stringify(out, null, 2)}\n`);
  }
  return broken.length === 0 ? EXIT.GO : EXIT.NO_GO;
}
