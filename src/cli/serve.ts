/**
 * `preflight serve`: the history dashboard. Bound to 127.0.0.1 unless told otherwise; bound
 * anywhere else it refuses to start without a token.
 */
import { discoverStore } from '../store/discover.js';
import { describeLocation, openStore } from '../store/open.js';
import { type RunStore, StoreError } from '../store/types.js';
import { isLoopbackHost, MIN_TOKEN_LENGTH, tokenProblem } from '../web/auth.js';
import { EXIT } from './exit-codes.js';

/** The flags of `preflight serve`. */
export interface ServeFlags {
  store?: string;
  plan?: string;
  host: string;
  port: string;
  token?: string;
}

/** Serve the dashboard until SIGINT/SIGTERM; returns the exit code. */
export async function serveCommand(flags: ServeFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const token = flags.token ?? env.PREFLIGHT_TOKEN;
  const usage = checkFlags(flags, token);
  if (usage) {
    process.stderr.write(`preflight serve: ${usage}\n`);
    return EXIT.USAGE;
  }
  const { location, found } = discoverStore({ store: flags.store, plan: flags.plan });
  let store: RunStore;
  try {
    store = await openStore(location);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    process.stderr.write(`preflight serve: ${error.message}\n`);
    return EXIT.COULD_NOT_RUN;
  }
  const { startDashboard } = await import('../web/server.js');
  let dashboard: Awaited<ReturnType<typeof startDashboard>>;
  try {
    dashboard = await startDashboard({
      store,
      host: flags.host,
      port: Number(flags.port),
      token,
      onError: (error) =>
        process.stderr.write(`preflight serve: ${(error as Error).message ?? String(error)}\n`),
    });
  } catch (error) {
    await store.close();
    process.stderr.write(
      `preflight serve: could not listen on ${flags.host}:${flags.port}: ${(error as Error).message}\n`,
    );
    return EXIT.COULD_NOT_RUN;
  }
  const runs = found ? (await store.listRuns({ limit: 10_000 })).length : 0;
  process.stdout.write(
    `preflight serve: ${dashboard.url}${token ? ' (open it with ?token=<your token>)' : ''}\n` +
      `  history: ${describeLocation(location)} (${runs} run${runs === 1 ? '' : 's'}); Ctrl-C to stop\n`,
  );
  await untilStopped();
  await dashboard.close();
  await store.close();
  return EXIT.GO;
}

function checkFlags(flags: ServeFlags, token: string | undefined): string | null {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return `--port expects a port number from 0 to 65535 (got "${flags.port}")`;
  if (!isLoopbackHost(flags.host) && !token)
    return (
      `binding to ${flags.host} would show the history to other machines, so a token is required.\n` +
      `  Set one with --token <secret> or the PREFLIGHT_TOKEN environment variable (at least ${MIN_TOKEN_LENGTH} characters),\n` +
      '  e.g. PREFLIGHT_TOKEN=$(openssl rand -hex 24) npx preflight serve --host 0.0.0.0,\n' +
      '  then open http://HOST:PORT/?token=<secret>. Or keep the default --host 127.0.0.1.'
    );
  return token === undefined ? null : tokenProblem(token);
}

function untilStopped(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
