/**
 * `preflight export k6`: the critical paths as a k6 script, for load beyond one machine
 * (k6's Kubernetes operator, Grafana Cloud k6).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildK6Script } from '../ecosystem/k6/script.js';
import { EXIT } from './exit-codes.js';
import { checkOutputPaths } from './output-paths.js';
import { loadPlanOrReport, stderrColor } from './plan-errors.js';

/** Flags of `preflight export k6`. */
export interface ExportK6Flags {
  plan: string;
  out: string;
  path?: string;
  vus: string;
  duration: string;
  baseUrl?: string;
  color?: boolean;
}

/** Write the k6 script; returns the exit code. */
export async function exportK6Command(flags: ExportK6Flags): Promise<number> {
  const vus = Number(flags.vus);
  if (!Number.isInteger(vus) || vus < 1)
    return usage(`--vus expects a whole number >= 1 (got "${flags.vus}")`);
  if (!/^\d+(ms|s|m|h)$/.test(flags.duration)) {
    return usage(`--duration expects a k6 duration such as 30s or 5m (got "${flags.duration}")`);
  }
  const loaded = await loadPlanOrReport(flags.plan, stderrColor(flags.color));
  if (!loaded) return EXIT.USAGE;
  const outputs = checkOutputPaths(
    [{ flag: '--out', path: flags.out }],
    [{ what: 'the plan', path: loaded.file }],
  );
  if (outputs) return usage(outputs);
  const all = loaded.plan.critical_paths ?? [];
  const wanted = flags.path
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = (wanted ?? []).filter((w) => !all.some((p) => p.name === w));
  if (unknown.length > 0) {
    return usage(
      `--path ${unknown.join(', ')}: no such critical path (the plan has: ${all.map((p) => p.name).join(', ')})`,
    );
  }
  const paths = wanted ? all.filter((p) => wanted.includes(p.name)) : all;
  if (paths.length === 0) return usage(`${flags.plan} has no critical paths to export`);
  const script = buildK6Script(loaded.plan, paths, {
    planFile: path.basename(flags.plan),
    vus,
    duration: flags.duration,
    baseUrl: flags.baseUrl ?? loaded.plan.service.url ?? 'http://127.0.0.1:8000',
  });
  await mkdir(path.dirname(path.resolve(flags.out)), { recursive: true });
  await writeFile(flags.out, script.text);
  for (const line of script.notConverted) process.stderr.write(`not exported: ${line}\n`);
  process.stdout.write(
    `wrote ${flags.out}: ${paths.length} critical path${paths.length === 1 ? '' : 's'} as k6 scenarios` +
      `${script.notConverted.length ? ` (${script.notConverted.length} item${script.notConverted.length === 1 ? '' : 's'} not exported, listed above and in the script)` : ''}\n` +
      `run it: k6 run -e BASE_URL=http://127.0.0.1:8000 ${flags.out}\n`,
  );
  return EXIT.GO;
}

function usage(message: string): number {
  process.stderr.write(`preflight export k6: ${message}\n`);
  return EXIT.USAGE;
}
