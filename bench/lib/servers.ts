/** The bench's own servers: the trivial Node server and the one-worker uvicorn FastAPI app. */
import { ManagedProcess, runCommand } from '../../src/process/process.js';
import { VENV_BIN } from './tools.js';

export interface BenchServer {
  name: string;
  url: string;
  /** What runs it, e.g. "uvicorn 1 worker, asyncio + h11". */
  flavour: string;
  stop: () => Promise<void>;
}

/** Start a command and resolve with its URL (the port it prints, matched by `portPattern`). */
async function start(
  name: string,
  command: string,
  root: string,
  portPattern: RegExp,
): Promise<[string, ManagedProcess]> {
  let port = 0;
  const proc = new ManagedProcess(command, {
    cwd: root,
    env: process.env,
    onOutput: (text) => {
      const m = portPattern.exec(text);
      if (m && port === 0) port = Number(m[1]);
    },
  });
  const deadline = performance.now() + 30_000;
  while (port === 0) {
    if (proc.done || performance.now() > deadline) {
      await proc.stop();
      throw new Error(`the ${name} did not start (${command}):\n${proc.tail(15)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return [`http://127.0.0.1:${port}`, proc];
}

/** Start the trivial Node server (bench/servers/node-server.mjs) in its own process. */
export async function startNodeServer(root: string): Promise<BenchServer> {
  const [url, proc] = await start('Node server', 'node bench/servers/node-server.mjs', root, /PORT (\d+)/);
  return {
    name: 'node',
    url,
    flavour: `node ${process.version} http`,
    stop: async () => void (await proc.stop()),
  };
}

/** Start the FastAPI app under one-worker uvicorn, with uvicorn's default loop and HTTP parser. */
export async function startFastApi(root: string): Promise<BenchServer> {
  const flavour = await uvicornFlavour(root);
  const command = `${VENV_BIN}/uvicorn fastapi_app:app --app-dir bench/servers --host 127.0.0.1 --port 0 --workers 1 --no-access-log`;
  const [url, proc] = await start(
    'uvicorn FastAPI app',
    command,
    root,
    /Uvicorn running on http:\/\/127\.0\.0\.1:(\d+)/,
  );
  return { name: 'uvicorn', url, flavour, stop: async () => void (await proc.stop()) };
}

/** Which loop and parser uvicorn picks by default: uvloop/httptools when installed, else asyncio/h11. */
async function uvicornFlavour(root: string): Promise<string> {
  const probe = `import importlib.util as u, uvicorn; print(uvicorn.__version__, *[m for m in ("uvloop", "httptools") if u.find_spec(m)])`;
  const out = await runCommand(`${VENV_BIN}/python -c '${probe}'`, {
    cwd: root,
    env: process.env,
    timeoutMs: 30_000,
  });
  const [version, ...found] = out.output.trim().split(/\s+/);
  const loop = found.includes('uvloop') ? 'uvloop' : 'asyncio (uvloop not installed)';
  const http = found.includes('httptools') ? 'httptools' : 'h11 (httptools not installed)';
  return `uvicorn ${version}, 1 worker, ${loop}, ${http}`;
}
