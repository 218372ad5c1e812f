/**
 * The probe's dispatcher: plain-http origins go to the lean HTTP/1.1 pools of
 * h1-pool.ts, HTTPS origins to undici (TLS, ALPN and certificates are its job).
 */
import { Agent, Pool } from 'undici';
import { H1Dispatcher, type ProbeDispatcher, type ProbeDispatchOptions } from '../http/h1-pool.js';

export type { ProbeDispatcher, ProbeDispatchOptions } from '../http/h1-pool.js';

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
