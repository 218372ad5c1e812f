/**
 * Baseline-only WebAssembly for runs without the load probe. undici parses HTTP with llhttp
 * compiled to WebAssembly, and V8's optimising tier (TurboFan) compiling that parser costs about
 * 30 MiB of peak RSS, a third of a critical-path run's memory, while such a run parses too few
 * responses for the optimised code to pay back (measured: same CPU time, 107 -> 85 MiB peak for
 * 1,000 requests). The load probe's hot loop keeps the optimising tier.
 */
import { setFlagsFromString } from 'node:v8';

/** Keep WebAssembly on V8's baseline compiler (Liftoff); call before the first HTTP request. */
export function useBaselineWasm(): void {
  // Read when a module is compiled and when a function would tier up, so setting it at run
  // time (before undici compiles llhttp on its first connection) takes effect.
  setFlagsFromString('--liftoff-only');
}

/** Whether a run of `preflight run` uses the load probe (the plan's metrics, unless --only leaves them out). */
export function runUsesProbe(hasMetrics: boolean, only: string | undefined): boolean {
  if (!hasMetrics) return false;
  return !only || only.split(',').some((id) => id.trim() === 'metrics');
}
