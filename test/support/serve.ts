/**
 * `preflight serve` as a user starts it: the built CLI in a child process, stopped by the test.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from './cli.js';

/** A running `preflight serve`. */
export interface Served {
  /** The URL it printed, e.g. `http://127.0.0.1:41234/`. */
  url: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Start `preflight serve ARGS` in `cwd` and wait until it says where it listens. */
export function startServe(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    const code = await closed;
    clearTimeout(timer);
    return code;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`preflight serve did not start in 15 s:\n${out}`));
    }, 15_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const url = /preflight serve: (http:\/\/\S+\/)/.exec(out)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ url, child, output: () => out, stop });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    void closed.then((code) => {
      clearTimeout(timer);
      reject(new Error(`preflight serve exited with ${code} before listening:\n${out}`));
    });
  });
}
