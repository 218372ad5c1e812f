/**
 * Nothing outlives preflight, even under `kill -9`: a supervisor process holds the read end of a
 * pipe whose write end only preflight has. When preflight ends in any way (a crash, SIGKILL,
 * the OOM killer), the kernel closes the pipe; the supervisor then SIGKILLs every process group
 * preflight started and every process that carries preflight's PREFLIGHT_OWNER token (those that
 * left their group with setsid or a double fork), and exits.
 *
 * Why a supervisor with a pipe: PR_SET_PDEATHSIG reaches only the direct child (not the shell's
 * children, not uvicorn's workers) and needs a native helper; a cgroup needs privileges and a
 * systemd or cgroup v2 layout that CI containers and laptops often do not give. A pipe's end of
 * file is delivered by the kernel whatever killed preflight, and the supervisor is plain Node,
 * started once per preflight process (detached: a signal to preflight's terminal group does not
 * reach it), only when preflight first starts a command.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { OWNER_TOKEN, OWNER_VARIABLE } from './owner.js';

// Runs in its own Node process: the groups come in as "+PGID" / "-PGID" lines on stdin.
const SUPERVISOR = `
const fs = require('fs');
const token = process.argv[1];
process.title = 'preflight-supervisor ' + token;
const groups = new Set();
let rest = '';
for (const s of ['SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGPIPE']) process.on(s, () => {});
process.stdin.on('data', (chunk) => {
  const lines = (rest + chunk).split('\\n');
  rest = lines.pop();
  for (const line of lines) {
    const pgid = Number(line.slice(1));
    if (line[0] === '+') groups.add(pgid); else groups.delete(pgid);
  }
});
function kill(pid) { try { process.kill(pid, 'SIGKILL'); } catch {} }
function sweep() {
  for (const g of groups) kill(-g);
  const needle = Buffer.from('${OWNER_VARIABLE}=' + token + '\\0');
  for (let round = 0; round < 3; round++) {
    let found = 0;
    for (const p of fs.readdirSync('/proc')) {
      if (!/^\\d+$/.test(p) || Number(p) === process.pid) continue;
      try { if (fs.readFileSync('/proc/' + p + '/environ').includes(needle)) { kill(Number(p)); found++; } } catch {}
    }
    if (found === 0) break;
  }
  process.exit(0);
}
process.stdin.on('end', sweep);
process.stdin.on('error', sweep);
process.on('SIGTERM', sweep);
`;

let supervisor: ChildProcess | null = null;
let failed = false;

function ensureSupervisor(): ChildProcess | null {
  if (supervisor || failed || process.platform !== 'linux') return supervisor;
  try {
    const env = { ...process.env };
    delete env[OWNER_VARIABLE];
    const child = spawn(process.execPath, ['-e', SUPERVISOR, OWNER_TOKEN], {
      // Like any daemon: it holds no directory of the run (it outlives preflight by milliseconds).
      cwd: '/',
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env,
    });
    child.on('error', () => {
      failed = true;
      supervisor = null;
    });
    child.on('exit', () => {
      supervisor = null;
    });
    child.stdin?.on('error', () => {});
    // Neither the supervisor nor its pipe keeps preflight's event loop alive.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    supervisor = child;
  } catch {
    failed = true;
  }
  return supervisor;
}

/** The supervisor's pid, when it runs (left out of preflight's own sweeps). */
export function supervisorPid(): number | undefined {
  return supervisor?.pid;
}

/** Tell the supervisor about a process group preflight started. */
export function superviseGroup(pgid: number): void {
  ensureSupervisor()?.stdin?.write(`+${pgid}\n`);
}

/** The group ended: the supervisor forgets it (its pgid may be reused). */
export function releaseGroup(pgid: number): void {
  supervisor?.stdin?.write(`-${pgid}\n`);
}
