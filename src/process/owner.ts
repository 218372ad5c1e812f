/**
 * Which processes are preflight's. Every command preflight starts carries PREFLIGHT_OWNER in its
 * environment (a token of this preflight process), and so does everything it starts in turn,
 * including a process that left its process group (setsid, a double fork): /proc/PID/environ
 * still says whose it is. That is how an escaped service is found and killed, and how a
 * process is told apart from one that took a dead process's pid (its start time).
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The environment variable that marks a process as started by this preflight process. */
export const OWNER_VARIABLE = 'PREFLIGHT_OWNER';

/** This preflight process's token: its pid and a random part. */
export const OWNER_TOKEN = `${process.pid}-${randomBytes(6).toString('hex')}`;

/** A process found in /proc. */
export interface FoundProcess {
  pid: number;
  command: string;
}

/** Processes (other than this one and `except`) whose environment carries `token`. */
export function processesOwnedBy(token: string, except: number[] = []): FoundProcess[] {
  const needle = Buffer.from(`${OWNER_VARIABLE}=${token}\0`);
  const out: FoundProcess[] = [];
  for (const entry of listPids()) {
    if (entry === process.pid || except.includes(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`).includes(needle)) continue;
      if (isZombie(entry)) continue;
      out.push({ pid: entry, command: commandOf(entry) });
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

/** SIGKILL every process that carries `token`; returns what was killed. */
export function killOwnedSync(token: string, except: number[] = []): FoundProcess[] {
  const found = processesOwnedBy(token, except);
  for (const p of found) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
  }
  awaitEndSync(found.map((p) => p.pid));
  return found;
}

/** How long a SIGKILLed process may take to be torn down before preflight goes on regardless. */
const TEARDOWN_WAIT_MS = 2000;

/**
 * Wait until each process is gone or a zombie: SIGKILL only starts the teardown, and a process
 * still releasing its memory and files is still running in its directory, holding its port.
 * Synchronous, since it also runs in the exit hook; polls every 5 ms.
 */
function awaitEndSync(pids: number[]): void {
  const deadline = performance.now() + TEARDOWN_WAIT_MS;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  while (pids.some((pid) => !isZombie(pid)) && performance.now() < deadline) Atomics.wait(pause, 0, 0, 5);
}

/** The start time of a process (clock ticks since boot), or null when it does not exist. */
export function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command (field 2) may contain spaces and parentheses: count from the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]);
  } catch {
    return null;
  }
}

/** Whether `pid` is still the process that had `ticks` as its start time. */
export function isSameProcess(pid: number, ticks: number | null): boolean {
  const now = startTicks(pid);
  return now !== null && (ticks === null || now === ticks) && !isZombie(pid);
}

/** The processes listening on a TCP port of this machine (from /proc/net/tcp and tcp6). */
export function listenersOn(port: number): FoundProcess[] {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN.
      if (f.length > 9 && f[3] === '0A' && Number.parseInt(f[1]?.split(':')[1] ?? '', 16) === port)
        inodes.add(f[9] as string);
    }
  }
  if (inodes.size === 0) return [];
  const out: FoundProcess[] = [];
  for (const pid of listPids()) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) {
          out.push({ pid, command: commandOf(pid) });
          break;
        }
      }
    } catch {
      // Gone, or not ours to read.
    }
  }
  return out;
}

function listPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map(Number);
  } catch {
    return [];
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .replace(/\0+$/, '')
      .replaceAll('\0', ' ')
      .slice(0, 200);
  } catch {
    return '?';
  }
}
