/// <reference lib="webworker" />
/**
 * A clone's pack, received and indexed without ever being whole in memory: this worker sends the
 * upload-pack request (upload-pack.ts), writes the pack as it streams in to a new OPFS file
 * through a sync access handle (in pieces of a few MiB) and indexes it on the way, as
 * `git index-pack --stdin` does (core's PackStreamIndexer: every entry inflated and every whole
 * object hashed as its bytes arrive); once the last byte is in, deltas are resolved reading the
 * file back by range, and the file is named `pack-<hash>.pack`. The page gets the `.idx` (small: it goes into lightning-fs, where git
 * readers look for it) and stores it last, the sign that the pack is whole.
 */
import { CairnError } from '@cairn/core/errors';
import { type PackBytesSync, PackStreamIndexer } from '@cairn/core/git';
import { StorageFullError } from '../storage/errors.ts';
import { syncAccessHandlesAvailable } from '../storage/git-packs.ts';
import { writeAllAt } from '../storage/opfs-files.ts';
import { PakoStreamInflater } from './pack-inflate.ts';
import type { PackReceiveReply, PackReceiveRequest } from './pack-receive-protocol.ts';
import { PackFileWriter } from './pack-write-client.ts';
import { type PackSink, receivePack } from './upload-pack.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** Bytes gathered before each write to the file: few calls, little held. */
const PIECE_BYTES = 4 * 1024 * 1024;

/** Where the received pack is written: by a worker of its own where workers can start workers, else here. */
interface PackFileOut {
  append(bytes: Uint8Array): void;
  ready?(): Promise<void>;
  /** Whether it takes the pack's checksum (then `finish` gives it, and the indexer need not). */
  readonly checksums: boolean;
  /** Flushes to disk and closes the file; gives the pack's checksum where it takes it. */
  finish(): Promise<{ checksum?: Uint8Array }>;
  /** Closes the file after a failure; never throws. */
  abort(): Promise<void>;
}

/** Appends to the file from offset 0 on this thread, through one reused piece buffer. */
class FileSink implements PackFileOut {
  readonly checksums = false;
  private readonly piece = new Uint8Array(PIECE_BYTES);
  private filled = 0;
  private at = 0;
  private open = true;

  constructor(private readonly handle: FileSystemSyncAccessHandle) {}

  append(chunk: Uint8Array): void {
    for (let from = 0; from < chunk.length; ) {
      const n = Math.min(PIECE_BYTES - this.filled, chunk.length - from);
      this.piece.set(chunk.subarray(from, from + n), this.filled);
      this.filled += n;
      from += n;
      if (this.filled === PIECE_BYTES) this.drain();
    }
  }

  async finish(): Promise<{ checksum?: Uint8Array }> {
    this.drain();
    this.handle.flush();
    this.handle.close();
    this.open = false;
    return {};
  }

  async abort(): Promise<void> {
    if (this.open) this.handle.close();
    this.open = false;
  }

  private drain(): void {
    this.at = writeAllAt(this.handle, this.piece.subarray(0, this.filled), this.at);
    this.filled = 0;
  }
}

async function openPackFileOut(folderName: string, file: FileSystemFileHandle, name: string): Promise<PackFileOut> {
  if (typeof Worker !== 'undefined') {
    const writer = await PackFileWriter.open(folderName, name);
    return {
      checksums: true,
      append: (bytes) => writer.append(bytes),
      ready: () => writer.ready(),
      finish: () => writer.finish(),
      abort: () => writer.abort(),
    };
  }
  return new FileSink(await file.createSyncAccessHandle());
}

/** The stored file read back by range (synchronously: the indexer's reads resolving deltas). */
function rangesOf(handle: FileSystemSyncAccessHandle, size: number): PackBytesSync {
  return {
    size,
    read(at, length) {
      const out = new Uint8Array(length);
      for (let done = 0; done < length; ) {
        const n = handle.read(out.subarray(done), { at: at + done });
        if (n <= 0) throw new CairnError('git_object', `the stored pack ends at ${at + done} of ${size} bytes`);
        done += n;
      }
      return out;
    },
  };
}

async function receive(req: PackReceiveRequest): Promise<Extract<PackReceiveReply, { type: 'done' }>> {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle(req.folderName, { create: true });
  // A name no reader looks for until the pack is indexed and renamed.
  const incoming = `incoming-${crypto.randomUUID()}.pack`;
  const file = await dir.getFileHandle(incoming, { create: true });
  let handle: FileSystemSyncAccessHandle | null = null;
  const writer = await openPackFileOut(req.folderName, file, incoming);
  try {
    const progress = (p: { phase: string; loaded: number; total?: number }) =>
      scope.postMessage({ type: 'progress', progress: p } satisfies PackReceiveReply);
    const indexer = await PackStreamIndexer.create(new PakoStreamInflater(), {
      onProgress: progress,
      checksumElsewhere: writer.checksums,
    });
    const sink: PackSink = {
      append(chunk) {
        writer.append(chunk);
        indexer.push(chunk);
      },
      ...(writer.ready ? { ready: writer.ready } : {}),
    };
    const receipt = await receivePack(
      {
        url: req.url,
        headers: req.headers,
        wants: req.wants,
        limitBytes: req.limitBytes,
        ...(req.depth ? { depth: req.depth } : {}),
        ...(req.shallow ? { shallow: req.shallow } : {}),
        ...(req.haves ? { haves: req.haves } : {}),
        onProgress: progress,
      },
      sink,
    );
    const { checksum } = await writer.finish();
    progress({ phase: 'Indexing objects', loaded: receipt.bytes, total: receipt.bytes });
    // Deltas are resolved from the file as written (the writer has closed it).
    handle = await file.createSyncAccessHandle();
    const indexed = await indexer.finish(rangesOf(handle, receipt.bytes), checksum ? { checksum } : {});
    handle.close();
    handle = null;
    // git's name for it; the same pack stored before (same hash, same bytes) is replaced.
    const name = `pack-${indexed.packHash}.pack`;
    await dir.removeEntry(name).catch(() => {});
    await (file as unknown as { move(name: string): Promise<void> }).move(name);
    return {
      type: 'done',
      idx: indexed.idx,
      packHash: indexed.packHash,
      objects: indexed.objects,
      shallow: receipt.shallow,
      unshallow: receipt.unshallow,
      bytes: receipt.bytes,
    };
  } catch (error) {
    handle?.close();
    await writer.abort();
    await dir.removeEntry(incoming).catch(() => {});
    throw error;
  }
}

scope.onmessage = async (event: MessageEvent<PackReceiveRequest>) => {
  if (!syncAccessHandlesAvailable()) {
    scope.postMessage({ type: 'unsupported' } satisfies PackReceiveReply);
    return;
  }
  try {
    const reply = await receive(event.data);
    scope.postMessage(reply, [reply.idx.buffer]);
  } catch (error) {
    const e =
      error instanceof CairnError
        ? error
        : (error as { name?: unknown })?.name === 'QuotaExceededError'
          ? new StorageFullError("the repository's history (its git pack)", { cause: error })
          : new CairnError(
              'git_pack',
              `Could not receive the repository: ${String((error as Error)?.message ?? error)}`,
            );
    scope.postMessage({ type: 'failed', error: e.toJSON() } satisfies PackReceiveReply);
  }
};
