/**
 * The scratch guard: every Python process preflight runs against a scratch database (Alembic,
 * the seed command) gets a `sitecustomize` that hooks SQLAlchemy's `do_connect` event, before
 * any driver connects: a connection to a database other than the scratch one is refused, so a
 * project whose env.py finds its database on its own cannot even open the other database (a
 * SQLite file is written to on connect by many apps' pragmas). The marker proof
 * (scratch-proof.ts) still shows that the tool reads the scratch database; the guard makes a
 * wrong one untouched, not merely unmigrated.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scratchParts } from './scratch-proof.js';

const SITECUSTOMIZE = `"""preflight's scratch guard: SQLAlchemy connects only to the scratch database preflight created."""
import json as _json
import os as _os

_target = _json.loads(_os.environ.get("PREFLIGHT_SCRATCH_TARGET") or "null")
if _target:
    try:
        from sqlalchemy import event as _event
        from sqlalchemy.engine import Engine as _Engine
    except Exception:  # no SQLAlchemy: nothing to guard
        _Engine = None
    if _Engine is not None:
        def _preflight_scratch_only(dialect, conn_rec, cargs, cparams):
            if _target["kind"] == "sqlite":
                name = cargs[0] if cargs else cparams.get("database")
                ok = (
                    dialect.name == "sqlite"
                    and isinstance(name, str)
                    and _os.path.realpath(name) == _target["file"]
                )
            else:
                db = cparams.get("dbname") or cparams.get("database")
                port = str(cparams.get("port") or 5432)
                host = str(cparams.get("host") or "")
                ok = (
                    dialect.name == "postgresql"
                    and db == _target["name"]
                    and port == _target["port"]
                    and host in _target["hosts"]
                )
            if not ok:
                raise RuntimeError(
                    "preflight scratch guard: refused to connect to a %s database that is not the scratch "
                    "database preflight created; nothing was opened" % dialect.name
                )

        _event.listen(_Engine, "do_connect", _preflight_scratch_only)
`;

let guardDir: string | undefined;

/** The directory holding the guard's sitecustomize.py (written once per content). */
function guardDirectory(): string {
  if (guardDir) return guardDir;
  const hash = createHash('sha256').update(SITECUSTOMIZE).digest('hex').slice(0, 12);
  const dir = path.join(os.tmpdir(), `preflight-scratch-guard-${hash}`);
  const file = path.join(dir, 'sitecustomize.py');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, SITECUSTOMIZE);
    // Renamed into place, so that a process starting meanwhile never imports half a file.
    renameSync(partial, file);
  }
  guardDir = dir;
  return dir;
}

/** What the guard refuses when it refuses: the start of the line it raises. */
export const GUARD_REFUSAL = 'preflight scratch guard: refused to connect';

/**
 * The variables that confine a Python process's SQLAlchemy connections to `scratchUrl`:
 * PYTHONPATH with the guard first (then `pythonPath`, the one the process would have had).
 */
export function scratchGuardEnv(scratchUrl: string, pythonPath?: string): Record<string, string> {
  const parts = scratchParts(scratchUrl);
  const target = /^sqlite/i.test(scratchUrl)
    ? { kind: 'sqlite', file: path.resolve(parts.scratch_file as string) }
    : {
        kind: 'postgresql',
        name: parts.scratch_name,
        port: parts.scratch_port,
        hosts: [parts.scratch_host, ...loopbackNames(parts.scratch_host as string)],
      };
  const dir = guardDirectory();
  return {
    PREFLIGHT_SCRATCH_TARGET: JSON.stringify(target),
    PYTHONPATH: pythonPath ? `${dir}${path.delimiter}${pythonPath}` : dir,
  };
}

/** A loopback host also answers as the other loopback names and through the local socket (''). */
function loopbackNames(host: string): string[] {
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'];
  return loopback.includes(host) ? [...loopback, '', '/var/run/postgresql', '/tmp'] : [];
}
