/**
 * The on-disk queue of MLflow operations. Logging appends a file and returns: once
 * `enqueue` returns, the operation survives a crash or a dead server. Delivery removes a file
 * only after the server has accepted it.
 *
 * Layout of the queue folder:
 *   ops/<runStart>-<clientRunId>-<seq>.json   pending operations, delivered in name order
 *   runs/<clientRunId>.json                    the server's run id once the run exists there
 *   inflight.json                              the ops of a request whose answer never came
 *   failed/                                    operations the server refused (kept, reported)
 *   deliver.lock                               held by the one process delivering this queue
 */
import fs from 'node:fs';
import path from 'node:path';
import { syncDir, writeFileAtomicSync } from './atomic-file.ts';
import { QueueFileError } from './errors.ts';
import type { QueuedOp } from './queue-ops.ts';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export interface QueuedFile {
  name: string;
  op: QueuedOp;
}

export interface RunMapping {
  runId: string;
  experimentId: string;
}

export class DiskQueue {
  readonly opsDir: string;
  readonly runsDir: string;
  readonly failedDir: string;

  constructor(readonly dir: string) {
    this.opsDir = path.join(dir, 'ops');
    this.runsDir = path.join(dir, 'runs');
    this.failedDir = path.join(dir, 'failed');
    for (const d of [this.opsDir, this.runsDir, this.failedDir]) fs.mkdirSync(d, { recursive: true });
    // The queue often sits inside a git work tree (the default is the working folder): keep it
    // out of `git status` the way tool caches do, with a .gitignore of its own.
    const ignore = path.join(dir, '.gitignore');
    if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# undelivered @cairn/logger work; not for git\n*\n');
  }

  /** Writes one operation durably. `runStart` + `seq` order a run's operations. */
  enqueue(op: QueuedOp, runStart: number, seq: number): string {
    assertClientRunId(op.clientRunId);
    const name = `${String(runStart).padStart(15, '0')}-${op.clientRunId}-${String(seq).padStart(9, '0')}.json`;
    writeFileAtomicSync(path.join(this.opsDir, name), JSON.stringify(op));
    return name;
  }

  /** Pending operations in delivery order. Damaged files are moved to failed/ with a reason. */
  pending(): QueuedFile[] {
    const names = fs
      .readdirSync(this.opsDir)
      .filter((n) => n.endsWith('.json') && !n.startsWith('.'))
      .sort();
    const out: QueuedFile[] = [];
    for (const name of names) {
      try {
        out.push({ name, op: parseOp(name, fs.readFileSync(path.join(this.opsDir, name), 'utf8')) });
      } catch (err) {
        this.fail(name, err instanceof Error ? err.message : String(err));
      }
    }
    return out;
  }

  remove(names: string[]): void {
    for (const n of names) fs.rmSync(path.join(this.opsDir, n), { force: true });
    syncDir(this.opsDir);
  }

  /** Moves an operation the server refused out of the way, with the reason beside it. */
  fail(name: string, reason: string): void {
    const from = path.join(this.opsDir, name);
    if (fs.existsSync(from)) fs.renameSync(from, path.join(this.failedDir, name));
    writeFileAtomicSync(path.join(this.failedDir, `${name}.reason.txt`), `${reason}\n`);
  }

  failedCount(): number {
    return fs.readdirSync(this.failedDir).filter((n) => n.endsWith('.json')).length;
  }

  runMapping(clientRunId: string): RunMapping | null {
    assertClientRunId(clientRunId);
    const file = path.join(this.runsDir, `${clientRunId}.json`);
    if (!fs.existsSync(file)) return null;
    return JSON.parse(fs.readFileSync(file, 'utf8')) as RunMapping;
  }

  saveRunMapping(clientRunId: string, mapping: RunMapping): void {
    assertClientRunId(clientRunId);
    writeFileAtomicSync(path.join(this.runsDir, `${clientRunId}.json`), JSON.stringify(mapping));
  }

  /** Ops sent in a request whose answer was lost (crash or timeout): they may already be stored. */
  inflight(): string[] {
    const file = path.join(this.dir, 'inflight.json');
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as string[]) : [];
  }

  setInflight(names: string[]): void {
    const file = path.join(this.dir, 'inflight.json');
    if (names.length === 0) fs.rmSync(file, { force: true });
    else writeFileAtomicSync(file, JSON.stringify(names));
  }

  /**
   * Takes the delivery lock (one deliverer per queue, so nothing is sent twice at once).
   * A lock left by a process that no longer runs is taken over. Returns a release function,
   * or null when another live process holds it.
   */
  lock(): (() => void) | null {
    const file = path.join(this.dir, 'deliver.lock');
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
        return () => fs.rmSync(file, { force: true });
      } catch {
        const holder = Number(fs.readFileSync(file, 'utf8'));
        if (holder === process.pid || !isAlive(holder)) fs.rmSync(file, { force: true });
        else return null;
      }
    }
    return null;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function assertClientRunId(id: string): void {
  if (!ID_PATTERN.test(id)) throw new QueueFileError(id, 'a client run id must be 1–64 of [A-Za-z0-9_-]');
}

function parseOp(name: string, text: string): QueuedOp {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new QueueFileError(name, `not JSON (${(err as Error).message})`);
  }
  const op = value as Partial<QueuedOp> | null;
  if (!op || typeof op !== 'object' || typeof op.clientRunId !== 'string') {
    throw new QueueFileError(name, 'missing clientRunId');
  }
  if (op.kind !== 'create-run' && op.kind !== 'log-batch' && op.kind !== 'end-run') {
    throw new QueueFileError(name, `unknown kind ${String(op.kind)}`);
  }
  return op as QueuedOp;
}
