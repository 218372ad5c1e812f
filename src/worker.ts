/**
 * Starting a worker thread on a module beside the caller: from `dist/` the compiled `.js`; from
 * the sources (the tests run under tsx) the `.ts`, through tsx's loader, which a worker does not
 * inherit from its parent.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker on the module `name` (without extension) in the caller's folder (`callerUrl`: its `import.meta.url`). */
export function startWorker(callerUrl: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const file = new URL(`./${name}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(file, options);
  const entry = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`;
  return new Worker(entry, { ...options, eval: true });
}
