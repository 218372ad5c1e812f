/**
 * The unit tests' small HTTP server on 127.0.0.1 (a random port), and the critical path
 * scaffolding they run steps with: one place for what every transport and step test repeats.
 */
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, type Dispatcher } from 'undici';
import { type PathRunOptions, runCriticalPath } from '../../src/http/run-path.js';
import { type CriticalPath, CriticalPathSpec } from '../../src/plan/schema.js';
import type { TemplateScope } from '../../src/plan/template.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { startedForTests } from './for-tests.js';

export interface LocalServer {
  server: Server;
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Closes every connection, then the server. */
  close: () => Promise<void>;
}

/** Listen on 127.0.0.1 with `handler`; resolves once it accepts connections. */
export async function startLocalServer(handler: RequestListener): Promise<LocalServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface ServedForTests {
  /** `http://127.0.0.1:PORT`, once `before` has run. */
  readonly url: string;
  /** The listening server, once `before` has run. */
  readonly server: Server;
  /** The undici Agent the tests send with; closed in `after`, before the server. */
  readonly agent: Agent;
  /** Run `path` against this server with its Agent, a fresh scope and a 5 s step timeout. */
  run: (path: CriticalPath, extra?: Partial<PathRunOptions>) => PathRun;
  /** The same for a path of `steps`. */
  runSteps: (steps: unknown[], extra?: Partial<PathRunOptions>) => PathRun;
  /** The same for a path with more than steps (`{ steps, teardown, on_failure, ... }`). */
  runPath: (fields: Record<string, unknown>, extra?: Partial<PathRunOptions>) => PathRun;
}

type PathRun = ReturnType<typeof runCriticalPath>;

/** How `useLocalServer` sets up: what runs once the server listens, and the Agent to send with. */
export interface UseLocalServerOptions {
  onListening?: (server: Server) => void;
  /** Default: a new `Agent()`. Closed in `after` either way. */
  agent?: Agent;
}

/**
 * Serve `handler` on 127.0.0.1 for the tests of the enclosing file or describe block: started
 * in `before` (then `onListening` runs), closed (with its Agent) in `after`.
 */
export function useLocalServer(
  handler: RequestListener,
  options: UseLocalServerOptions = {},
): ServedForTests {
  const agent = options.agent ?? new Agent();
  const started = startedForTests(
    'the local server',
    async () => {
      const local = await startLocalServer(handler);
      options.onListening?.(local.server);
      return local;
    },
    async (local) => {
      await agent.close();
      await local.close();
    },
  );
  return {
    agent,
    get url() {
      return started().url;
    },
    get server() {
      return started().server;
    },
    run: (path, extra = {}) => runPathOn(started().url, agent, path, extra),
    runSteps: (steps, extra = {}) => runPathOn(started().url, agent, pathOf(steps), extra),
    runPath: (fields, extra = {}) => runPathOn(started().url, agent, pathOf([], fields), extra),
  };
}

/** Run `path` against `baseUrl` with a 5 s step timeout and a fresh scope; `extra` overrides them. */
function runPathOn(
  baseUrl: string,
  dispatcher: Dispatcher,
  path: CriticalPath,
  extra: Partial<PathRunOptions>,
) {
  return runCriticalPath(path, {
    baseUrl,
    dispatcher,
    scope: scopeFor(baseUrl),
    settings: { step_timeout: '5s' },
    signal: new AbortController().signal,
    ...extra,
  });
}

/** Answer `status` with `value` as a JSON body. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** A handler that reads the whole request body (as text) before `handler` answers. */
export function withBody(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): RequestListener {
  return (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => handler(req, res, body));
  };
}

/** A critical path of `steps` (and any other fields of a path). */
export function pathOf(steps: unknown[], extra: Record<string, unknown> = {}): CriticalPath {
  return CriticalPathSpec.parse({ name: 'p', owner: 'o', expect: 'e', rollback: 'r', steps, ...extra });
}

/** The template scope of a step test: no env, the given secrets, a fresh redactor. */
export function scopeFor(baseUrl: string, secrets: Record<string, string> = {}): TemplateScope {
  return {
    env: {},
    secret: (name) => secrets[name],
    run: { id: 'r', dir: '/tmp/run' },
    service: { url: baseUrl },
    vars: new Map(),
    redactor: new Redactor(),
  };
}
