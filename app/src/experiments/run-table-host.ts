/**
 * The runs table's worker (run-table.worker.ts) without its `self`: it reads a repository's runs
 * from the experiments database as column blocks and keeps them (run-table-model.ts), adds feed
 * pages as the feed worker parsed them, and answers the page's questions. The page never holds
 * the runs: it gets counts, columns, run ids, the shown order and the runs of the rows in view.
 *
 * Opening reads the columnar snapshot a block at a time (the first block is shown at once);
 * without a snapshot equal to the rows (a store written before snapshots, or moved on since) the
 * rows are read in pages, encoded here, and a snapshot is written from them — so every existing
 * store opens, and opens from blocks the next time. Commands that change the runs run one after
 * another (a feed page waits for a read in progress: the read is an older state); questions are
 * answered at once from the runs held. The snapshot is written after a read of rows or a feed
 * sync, when the runs held are known to equal the store's rows at a write stamp (each stored
 * page moves the stamp by one), and only the blocks that changed since the last write. A read is
 * not stopped by leaving the page: the next visit of the same repository takes it up, and the
 * snapshot is written when it ends (then the runs are let go if nobody came back).
 */
import { encodeRunBlock, type Run, type RunBlock } from '@cairn/core/runs';
import { columnBuffers } from './pc-columns.ts';
import {
  BLOCK_RUNS,
  type ExperimentsDb,
  extraOf,
  type RunRow,
  readRunsInPages,
  readStoredBlocks,
  saveStoredBlocks,
} from './run-store.ts';
import { RunTableModel } from './run-table-model.ts';
import type { FromTableWorker, TableAnswer, TableCommand, TableInfo, TableQuestion } from './run-table-protocol.ts';
import { packIds } from './slot-ids.ts';

type Post = (m: FromTableWorker, transfer?: Transferable[]) => void;

/** Wait before writing a snapshot (a sync's last pages and a poll come together). */
const SAVE_DELAY_MS = 250;
/** Least time between two progress messages while a snapshot is read. */
const PROGRESS_MS = 200;

export class RunTableHost {
  private model = new RunTableModel();
  private repo: string | null = null;
  private session = 0;
  private epoch = 0;
  private generation = 0;
  private idsSent = 0;
  private loaded = false;
  private reading: TableInfo['reading'] = null;
  private commands: Promise<void> = Promise.resolve();
  // The store state the runs held equal: its write stamp (null: unknown), and feed pages added
  // but not yet stored (their run counts) with the stamp the runs will equal once they are.
  private rowsVersion: number | null = null;
  private unstored: number[] = [];
  private chain: number | null = null;
  private saved: { writer: string; blocks: RunBlock[] } | null = null;
  private saving = false;
  private saveAgain = false;
  /** Left by the page: the runs go once the snapshot being written is written. */
  private closing = false;

  constructor(
    private readonly db: ExperimentsDb,
    private readonly post: Post,
  ) {}

  /**
   * The read in progress. A visit of another repository stops it; leaving does not, nor does a
   * new visit of the same repository, which takes it up where it is: a read of rows (a store
   * without a snapshot) at 100,000 runs takes longer than a person stays, and only a read
   * that ends writes the snapshot every later visit opens from.
   */
  private readInProgress: { repo: string; stop: AbortController } | null = null;

  command(c: TableCommand): Promise<void> {
    const reading = this.readInProgress;
    if (c.type === 'open' && reading && !reading.stop.signal.aborted) {
      if (reading.repo === c.repo) {
        this.rejoin(c.session);
        return this.commands;
      }
      reading.stop.abort();
    }
    if (c.type === 'feed-port') {
      // Its messages join the same line as the page's, in the order they arrive.
      const port = c.port;
      port.onmessage = (e: MessageEvent<TableCommand>) => {
        void this.command(e.data);
        // A pull's last word: its port is done with.
        if (e.data.type === 'feed-done' || e.data.type === 'feed-failed') port.close();
      };
      return this.commands;
    }
    // A leave is of the visit that was on when it came (one that took up the read since stays).
    const session = this.session;
    this.commands = this.commands
      .then(() => (c.type === 'close' && this.session !== session ? undefined : this.run(c)))
      .catch((err: unknown) => {
        // A failed read leaves the runs held as they were; the page says nothing new.
        console.error('runs table worker:', err);
      });
    return this.commands;
  }

  ask(id: number, question: TableQuestion): void {
    try {
      const { answer, transfer } = this.answer(question);
      this.post({ type: 'answer', id, answer }, transfer);
    } catch (err) {
      this.post({ type: 'failed', id, message: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Settles once every command sent so far is done (tests). */
  idle(): Promise<void> {
    return this.commands;
  }

  private changed(): void {
    this.generation++;
    const from = this.idsSent;
    const ids = packIds(this.model.ids(from));
    this.idsSent = this.model.slotCount;
    const stats = this.model.stats();
    this.post(
      {
        type: 'changed',
        idsFrom: from,
        ids,
        info: {
          session: this.session,
          epoch: this.epoch,
          generation: this.generation,
          count: this.model.count,
          slotCount: this.model.slotCount,
          git: stats.git,
          metricsOutsideGit: stats.metricsOutsideGit,
          columns: this.model.columns(),
          loaded: this.loaded,
          reading: this.reading,
        },
      },
      [ids.ends.buffer],
    );
  }

  /** A new visit during a read of its repository: it is shown the runs held so far, and the rest as they come. */
  private rejoin(session: number): void {
    this.closing = false;
    this.session = session;
    // The page knows no slots yet: every id again.
    this.epoch++;
    this.idsSent = 0;
    if (this.loaded) this.changed();
  }

  /** Runs held from now on are `model` (slots start again). */
  private replace(model: RunTableModel): void {
    this.model = model;
    this.epoch++;
    this.idsSent = 0;
  }

  private async run(c: TableCommand): Promise<void> {
    switch (c.type) {
      case 'open':
        this.closing = false;
        this.repo = c.repo;
        this.session = c.session;
        // Pages of another visit's pull are not these runs' (and never arrive stored here).
        this.unstored = [];
        await this.read(true);
        return;
      case 'reload':
        await this.read(false);
        return;
      case 'feed-page':
        if (this.unstored.length === 0) this.chain = this.rowsVersion;
        this.unstored.push(c.block.count);
        this.rowsVersion = null;
        this.model.add(c.block);
        // Runs that came again leave dead slots: rewritten now and then, and then the page's
        // slots are void (it is sent every id again).
        if (this.model.compactIfSparse()) {
          this.epoch++;
          this.idsSent = 0;
        }
        this.loaded = true;
        this.changed();
        return;
      case 'feed-stored': {
        const count = this.unstored.shift() ?? 0;
        // A stored page with runs moved the stamp by one (an empty one not at all).
        const expected = this.chain === null ? null : this.chain + (count > 0 ? 1 : 0);
        this.chain = expected !== null && c.version === expected ? c.version : null;
        if (this.unstored.length === 0) {
          this.rowsVersion = this.chain;
          if (!c.more) this.saveSoon();
        }
        return;
      }
      case 'feed-done':
        if (this.unstored.length === 0) this.saveSoon();
        return;
      case 'feed-failed':
        // Pages shown but never stored make the runs held no state of the store; a pull that
        // failed before any (offline, no server) changes nothing.
        if (this.unstored.length > 0) {
          this.unstored = [];
          this.rowsVersion = null;
        }
        return;
      case 'feed-port':
        return;
      case 'close':
        this.closing = true;
        if (!this.saving) this.letGo();
        return;
    }
  }

  /**
   * Reads the store: the snapshot's blocks, else the rows in pages (encoded into blocks here).
   * The first open shows runs as they are read; a reload keeps the runs held until the new ones
   * are all read.
   */
  private async read(first: boolean): Promise<void> {
    const repo = this.repo;
    if (repo === null) return;
    const fresh = new RunTableModel();
    const progressive = first || !this.loaded;
    if (progressive) this.replace(fresh);
    // The blocks of the last snapshot written are not kept through a read (at 100,000 runs a
    // copy of them is a few hundred MB); after it they are the snapshot's or none.
    this.saved = null;
    const stop = new AbortController();
    this.readInProgress = { repo, stop };
    try {
      await this.readInto(repo, fresh, progressive, stop);
    } finally {
      if (this.readInProgress?.stop === stop) this.readInProgress = null;
    }
  }

  private async readInto(
    repo: string,
    fresh: RunTableModel,
    progressive: boolean,
    stop: AbortController,
  ): Promise<void> {
    // The page is told of the first block at once (its first frame), then at most every
    // PROGRESS_MS: each message has the page ask for the shown order again, which the worker
    // sorts again — per block, 49 sorts of up to 100,000 runs.
    let told = 0;
    const snap = await readStoredBlocks(
      this.db,
      repo,
      (block, part, parts) => {
        fresh.add(block);
        if (!progressive || part + 1 === parts || (part > 0 && performance.now() - told < PROGRESS_MS)) return;
        this.loaded = true;
        this.reading = { read: fresh.count, total: null };
        this.changed();
        told = performance.now();
      },
      stop.signal,
    );
    // Stopped: the command that stopped it (a new visit, or leaving) decides what is held.
    if (stop.signal.aborted) return;
    let version: number;
    if (snap) {
      version = snap.version;
      this.saved = { writer: snap.writer ?? '', blocks: snap.blocks };
    } else {
      if (fresh.slotCount > 0) {
        // Blocks read, then found unequal to the rows: start again from the rows.
        fresh.clear();
        if (progressive) this.replace(fresh);
      }
      let read = 0;
      let v = 0;
      let pending: RunRow[] = [];
      await readRunsInPages(
        this.db,
        repo,
        (rows, total, done) => {
          read += rows.length;
          for (const r of rows) pending.push(r);
          // The first page is shown at once; later pages go in as blocks of about BLOCK_RUNS
          // (pages are a few hundred rows: one block each made a snapshot of 600 blocks at
          // 100,000 runs, each read, added and re-sorted on its own at every open).
          if (fresh.slotCount > 0 && pending.length < BLOCK_RUNS && !done) return;
          fresh.add(
            encodeRunBlock(
              pending.map((r) => r.run),
              (_r, i) => extraOf(pending[i] as RunRow),
            ),
          );
          pending = [];
          if (progressive) {
            this.loaded = true;
            this.reading = done ? null : { read, total };
            this.changed();
          }
        },
        {
          signal: stop.signal,
          pagesOnly: true,
          onVersion: (x) => {
            v = x;
          },
        },
      );
      version = v;
      this.saved = null;
      if (stop.signal.aborted) return;
    }
    if (!progressive) this.replace(fresh);
    this.rowsVersion = version;
    this.loaded = true;
    this.reading = null;
    this.changed();
    if (!snap && fresh.count > 0) this.saveSoon();
  }

  private saveSoon(): void {
    if (this.saving) {
      this.saveAgain = true;
      return;
    }
    this.saving = true;
    setTimeout(() => void this.save(), SAVE_DELAY_MS);
  }

  private async save(): Promise<void> {
    try {
      do {
        this.saveAgain = false;
        const version = this.rowsVersion;
        const repo = this.repo;
        if (version === null || repo === null) return;
        // The blocks and the stamp they equal, taken together.
        const blocks = this.model.storedBlocks();
        const before = this.saved;
        const kept = before
          ? { writer: before.writer, parts: new Set(blocks.flatMap((b, p) => (before.blocks[p] === b ? [p] : []))) }
          : null;
        const writer = await saveStoredBlocks(this.db, repo, version, blocks, kept);
        if (writer) this.saved = { writer, blocks };
      } while (this.saveAgain);
    } catch (err) {
      // A snapshot is an optimisation: without one the rows are read (and it is tried again).
      console.warn('runs table worker: snapshot not written:', err);
    } finally {
      this.saving = false;
      if (this.closing) this.letGo();
    }
  }

  /** Holds no runs (a tab keeps this worker between visits; 100,000 runs are a few hundred MB). */
  private letGo(): void {
    this.closing = false;
    this.replace(new RunTableModel());
    this.rowsVersion = null;
    this.unstored = [];
    this.saved = null;
    this.loaded = false;
    this.reading = null;
  }

  private answer(q: TableQuestion): { answer: TableAnswer; transfer: Transferable[] } {
    const m = this.model;
    // Slots the page took from runs held before a reload are not asked about.
    const valid = (slots: Uint32Array) => slots.filter((x) => x < m.slotCount);
    const rowsOf = (slots: Iterable<number>): [number, Run][] => {
      const out: [number, Run][] = [];
      for (const s of slots) if (s < m.slotCount) out.push([s, m.runAt(s)]);
      return out;
    };
    switch (q.type) {
      case 'query': {
        const order = m.query(q.query);
        const rows = rowsOf(order.subarray(Math.max(0, q.from), Math.max(0, q.to)));
        return { answer: { type: 'query', order, total: m.count, epoch: this.epoch, rows }, transfer: [order.buffer] };
      }
      case 'rows':
        return { answer: { type: 'rows', epoch: this.epoch, rows: rowsOf(q.slots) }, transfer: [] };
      case 'run':
        return { answer: { type: 'run', run: m.runById(q.runId) }, transfer: [] };
      case 'groups':
        return {
          answer: { type: 'groups', groups: m.groups(valid(q.slots), q.by, q.metricCols, q.summary) },
          transfer: [],
        };
      case 'differing':
        return {
          answer: { type: 'differing', ids: m.differing(valid(q.slots), q.cols, q.summary, q.notes) },
          transfer: [],
        };
      case 'csv':
        return { answer: { type: 'csv', text: m.csv(valid(q.slots), q.cols, q.summary, q.notes) }, transfer: [] };
      case 'plot-columns': {
        const t0 = performance.now();
        const slots = valid(q.slots);
        const columns = m.plotColumns(slots, q.specs, q.summary);
        return {
          answer: { type: 'plot-columns', epoch: this.epoch, slots, columns, ms: performance.now() - t0 },
          transfer: [slots.buffer, ...columns.flatMap(columnBuffers)],
        };
      }
    }
  }
}
