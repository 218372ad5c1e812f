/**
 * The dashboard server (`preflight serve`): node:http, GET only, every response with a strict
 * Content-Security-Policy and no-sniff/no-frame headers; a token when bound beyond loopback.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunStore } from '../store/types.js';
import { authorize, isLoopbackHost, tokenProblem } from './auth.js';
import { DASHBOARD_CSP } from './layout.js';
import { type Reply, route } from './routes.js';

/** Options of `startDashboard`. */
export interface DashboardOptions {
  store: RunStore;
  host: string;
  port: number;
  /** Required when `host` is not a loopback address. */
  token?: string | undefined;
  /** Told about a request that failed (the page shows a short message). */
  onError?: (error: unknown) => void;
}

/** A running dashboard. */
export interface Dashboard {
  /** `http://host:port/`. */
  url: string;
  close(): Promise<void>;
}

/** Why the dashboard would not start. */
export class DashboardError extends Error {
  readonly code = 'DASHBOARD_TOKEN_REQUIRED';
}

/** Start the dashboard; resolves once it listens. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  if (!isLoopbackHost(options.host) && !options.token)
    throw new DashboardError(`binding to ${options.host} requires a token`);
  const weak = options.token === undefined ? null : tokenProblem(options.token);
  if (weak) throw new DashboardError(weak);
  const server = createServer((req, res) => {
    handle(req, res, options).catch((error) => {
      options.onError?.(error);
      if (!res.headersSent)
        send(res, { status: 500, type: 'text/plain; charset=utf-8', body: 'internal error\n' });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  await listen(server, options.host, options.port);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}/`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: DashboardOptions): Promise<void> {
  const url = parseTarget(req.url ?? '/');
  if (!url) return send(res, { status: 404, type: 'text/plain; charset=utf-8', body: 'no such page\n' });
  const auth = authorize(req, url, options.token);
  if (auth.kind === 'denied')
    return send(res, { status: auth.status, type: 'text/plain; charset=utf-8', body: `${auth.message}\n` });
  if (auth.kind === 'sign-in') {
    res.setHeader('Set-Cookie', auth.cookie);
    res.setHeader('Location', auth.location);
    return send(res, { status: 303, type: 'text/plain; charset=utf-8', body: 'signed in\n' });
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, { status: 405, type: 'text/plain; charset=utf-8', body: 'only GET\n' });
  }
  send(res, await route(options.store, url), req.method === 'HEAD');
}

/** The request target as a URL on this server; null when it cannot be one. */
function parseTarget(target: string): URL | null {
  // Only the path and query are taken: `//other.host/x` names a path here, not a host.
  if (!target.startsWith('/')) return null;
  try {
    const url = new URL(`http://dashboard.invalid/${target.replace(/^[/\\]+/, '')}`);
    return url.hostname === 'dashboard.invalid' ? url : null;
  } catch {
    return null;
  }
}

function send(res: ServerResponse, reply: Reply, headOnly = false): void {
  const body = Buffer.from(reply.body, 'utf8');
  res.writeHead(reply.status, {
    'Content-Type': reply.type,
    'Content-Length': body.length,
    'Content-Security-Policy': DASHBOARD_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': reply.cacheable ? 'private, max-age=300' : 'no-store',
  });
  res.end(headOnly ? undefined : body);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
