/**
 * The probe's dispatcher: plain-http origins go to the lean HTTP/1.1 pools of
 * h1-pool.ts, HTTPS origins to undici (TLS, ALPN and certificates are its job).
 */
import { Agent, type Dispatcher, Pool } from 'undici';
import { H1Dispatcher, type H1DispatchOptions } from '../http/h1-pool.js';

/** What the probe's sender passes to `dispatch`. */
export type ProbeDispatchOptions = H1DispatchOptions;

/** The probe sender's view of a dispatcher. */
export interface ProbeDispatcher {
  dispatch(options: ProbeDispatchOptions, handler: Dispatcher.DispatchHandler): boolean;
  close(): Promise<void>;
}

/** A dispatcher with at most `connections` keep-alive sockets per origin, no pipelining. */
export function createProbeDispatcher(connections: number): ProbeDispatcher {
  const h1 = new H1Dispatcher(connections);
  let tls: Agent | null = null;
  return {
    dispatch(options: ProbeDispatchOptions, handler) {
      if (options.origin.startsWith('http:')) return h1.dispatch(options, handler);
      tls ??= new Agent({
        factory: (origin, o) => new Pool(origin, { ...o, connections, pipelining: 1 }),
      });
      return tls.dispatch(options, handler);
    },
    async close() {
      await Promise.all([h1.close(), tls?.close()]);
    },
  };
}
