/**
 * The machine while measuring, from /proc (Linux): the 1-minute load average, and per block the
 * shares of CPU time that were busy and that the hypervisor stole. They are reported with the
 * comparison, so that "inconclusive: the machine is too noisy" can be read against what else the
 * machine was doing. Elsewhere (no /proc) nothing is read and the result says so (null).
 */
import { readFileSync } from 'node:fs';
import type { BlockMachine, MachineNoise, MetricsBlock } from '../checks/metrics/result.js';

/** Cumulative CPU times (jiffies) of all cores. */
interface CpuTimes {
  total: number;
  idle: number;
  steal: number;
}

function readCpuTimes(): CpuTimes | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest times are inside user and nice)
    if (f.length < 8 || f.some((v) => !Number.isFinite(v))) return null;
    const total = f.slice(0, 8).reduce((s, v) => s + v, 0);
    return { total, idle: (f[3] as number) + (f[4] as number), steal: f[7] as number };
  } catch {
    return null;
  }
}

function readLoad(): number | null {
  try {
    const first = Number(readFileSync('/proc/loadavg', 'utf8').split(' ', 1)[0]);
    return Number.isFinite(first) ? first : null;
  } catch {
    return null;
  }
}

/** Starts a reading; `end()` gives the block's machine figures, or undefined without /proc. */
export function startMachineReading(): { end: () => BlockMachine | undefined } {
  const start = readCpuTimes();
  return {
    end: () => {
      const stop = readCpuTimes();
      const load = readLoad();
      if (!start || !stop || load === null) return undefined;
      const total = stop.total - start.total;
      if (total <= 0) return { load, steal_pct: 0, busy_pct: 0 };
      const pct = (n: number): number => Math.round((n / total) * 1000) / 10;
      return {
        load,
        steal_pct: pct(stop.steal - start.steal),
        busy_pct: pct(total - (stop.idle - start.idle) - (stop.steal - start.steal)),
      };
    },
  };
}

/** The machine over the measured blocks. */
export function summarizeMachine(blocks: MetricsBlock[]): MachineNoise {
  const read = blocks.map((b) => b.machine).filter((m): m is BlockMachine => m !== undefined);
  if (read.length === 0) return { load: null, steal_pct: null, busy_pct: null };
  const mean = (xs: number[]): number => Math.round((xs.reduce((s, v) => s + v, 0) / xs.length) * 10) / 10;
  const loads = read.map((m) => m.load);
  return {
    load: { min: Math.min(...loads), max: Math.max(...loads) },
    steal_pct: mean(read.map((m) => m.steal_pct)),
    busy_pct: mean(read.map((m) => m.busy_pct)),
  };
}
