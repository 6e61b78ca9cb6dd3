/**
 * streamUpload's part buffers and failures, against an in-memory stand-in for S3 that records
 * every call (test/integration/s3-blob-store.test.ts runs the same paths on a real radosgw).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { BlobStoreUnavailableError, UploadMemoryBusyError } from './blob-store.ts';
import { type StreamUploadOptions, streamUpload } from './s3-stream-upload.ts';
import { UploadMemory } from './upload-memory.ts';

const MiB = 1024 * 1024;
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

/** An S3 client double: parts kept per upload; `failPart` answers 500 to that part number. */
function fakeS3(opts: { failPart?: number; partDelayMs?: number } = {}) {
  const calls: string[] = [];
  const objects = new Map<string, Buffer>();
  const uploads = new Map<string, Map<number, Buffer>>();
  const bodies = new Set<ArrayBufferLike>();
  let sending = 0;
  let maxSending = 0;
  let nextId = 1;
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name.replace(/Command$/, '');
      const input = command.input;
      calls.push(name);
      switch (name) {
        case 'CreateMultipartUpload': {
          const UploadId = `u${nextId++}`;
          uploads.set(UploadId, new Map());
          return { UploadId };
        }
        case 'UploadPart': {
          const body = input.Body as Buffer;
          bodies.add(body.buffer);
          maxSending = Math.max(maxSending, ++sending);
          try {
            await new Promise((r) => setTimeout(r, opts.partDelayMs ?? 2));
            if (input.PartNumber === opts.failPart)
              throw Object.assign(new Error('InternalError'), { $metadata: { httpStatusCode: 500 } });
            // A copy, as the store keeps what it received (the buffer is reused after).
            uploads.get(input.UploadId as string)?.set(input.PartNumber as number, Buffer.from(body));
            return { ETag: `"${md5(body)}"` };
          } finally {
            sending--;
          }
        }
        case 'CompleteMultipartUpload': {
          const parts = uploads.get(input.UploadId as string) as Map<number, Buffer>;
          const order = (input.MultipartUpload as { Parts: Array<{ PartNumber: number }> }).Parts;
          objects.set(input.Key as string, Buffer.concat(order.map((p) => parts.get(p.PartNumber) as Buffer)));
          uploads.delete(input.UploadId as string);
          return {};
        }
        case 'AbortMultipartUpload':
          uploads.delete(input.UploadId as string);
          return {};
        case 'PutObject':
          objects.set(input.Key as string, Buffer.from(input.Body as Buffer));
          return {};
        default:
          throw new Error(`unexpected ${name}`);
      }
    },
  };
  return {
    client: client as unknown as S3Client,
    calls,
    objects,
    uploads,
    bodies,
    maxSending: () => maxSending,
  };
}

/** `total` bytes of a repeating pattern in 64 KiB chunks, as an HTTP request delivers them. */
function body(total: number): Buffer {
  const b = Buffer.alloc(total);
  for (let i = 0; i < total; i++) b[i] = (i * 7 + (i >> 13)) & 255;
  return b;
}
const chunked = (b: Buffer, size = 65536) =>
  Readable.from(Array.from({ length: Math.ceil(b.length / size) }, (_, i) => b.subarray(i * size, (i + 1) * size)));

/** `data` uploaded as key `k` of bucket `b` in 5 MiB parts, with `opts` on top. */
const upload = (s3: ReturnType<typeof fakeS3>, data: Buffer | Readable, opts: Partial<StreamUploadOptions> = {}) =>
  streamUpload({
    client: s3.client,
    bucket: 'b',
    key: 'k',
    source: Buffer.isBuffer(data) ? chunked(data) : data,
    partSize: 5 * MiB,
    ...opts,
  });
/** The md5 of each of the first `n` 5 MiB parts of `data`. */
const partMd5s = (data: Buffer, n: number) =>
  Array.from({ length: n }, (_, i) => md5(data.subarray(i * 5 * MiB, (i + 1) * 5 * MiB)));

describe('streamUpload', () => {
  it('uploads parts from at most partConcurrency + 1 buffers, reused, and publishes the bytes in order', async () => {
    const s3 = fakeS3();
    const data = body(23 * MiB + 17);
    const seen: string[] = [];
    const { size, published } = await upload(s3, data, {
      partConcurrency: 2,
      onPart: (part) => void seen.push(md5(part)),
    });
    expect({ size, published }).toEqual({ size: data.length, published: true });
    expect(md5(s3.objects.get('k') as Buffer)).toBe(md5(data));
    // Five parts (four full, one short), seen in order, from three buffers of shared memory.
    expect(seen).toEqual(partMd5s(data, 5));
    expect(s3.bodies.size).toBe(3);
    for (const b of s3.bodies) expect(b).toBeInstanceOf(SharedArrayBuffer);
    expect(s3.maxSending()).toBeLessThanOrEqual(2);
    expect(s3.uploads.size).toBe(0);
  });

  it('does not reuse a part buffer before onPart is done reading it', async () => {
    const s3 = fakeS3({ partDelayMs: 0 });
    const data = body(16 * MiB);
    const hashes: string[] = [];
    await upload(s3, data, {
      partConcurrency: 1,
      // A reader slower than the store: it reads the bytes only later.
      onPart: (part) => new Promise<void>((resolve) => setTimeout(() => resolve(void hashes.push(md5(part))), 20)),
    });
    expect(hashes).toEqual(partMd5s(data, 4));
    expect(md5(s3.objects.get('k') as Buffer)).toBe(md5(data));
  });

  it('a part the store refuses mid-stream aborts the upload: a typed error, nothing published, no parts left', async () => {
    const s3 = fakeS3({ failPart: 3 });
    let read = 0;
    const data = body(40 * MiB);
    const source = chunked(data).on('data', (c: Buffer) => {
      read += c.length;
    });
    await expect(upload(s3, source, { partConcurrency: 2 })).rejects.toBeInstanceOf(BlobStoreUnavailableError);
    expect(s3.objects.has('k')).toBe(false);
    expect(s3.uploads.size).toBe(0);
    expect(s3.calls).toContain('AbortMultipartUpload');
    expect(s3.calls).not.toContain('CompleteMultipartUpload');
    // The source was not read to its end once the part failed.
    expect(read).toBeLessThan(data.length);
  });

  it('a reader of the parts that fails aborts the upload', async () => {
    const s3 = fakeS3();
    await expect(
      upload(s3, body(12 * MiB), {
        onPart: async () => {
          throw new Error('the md5 worker stopped');
        },
      }),
    ).rejects.toThrow('the md5 worker stopped');
    expect(s3.objects.has('k')).toBe(false);
    expect(s3.uploads.size).toBe(0);
    expect(s3.calls).not.toContain('CompleteMultipartUpload');
  });

  it("uploads at once share the process's memory budget: every one completes, never more parts held than it allows", async () => {
    const s3 = fakeS3({ partDelayMs: 5 });
    const memory = new UploadMemory(3 * 5 * MiB);
    let mostHeld = 0;
    const datas = [0, 1, 2, 3].map((i) => body(23 * MiB + i));
    const uploads = datas.map((data, i) =>
      streamUpload({
        client: s3.client,
        bucket: 'b',
        key: `k${i}`,
        source: chunked(data),
        partSize: 5 * MiB,
        partConcurrency: 2,
        memory,
        onPart: () => {
          mostHeld = Math.max(mostHeld, memory.usedBytes);
        },
      }),
    );
    await Promise.all(uploads);
    for (const [i, data] of datas.entries()) expect(md5(s3.objects.get(`k${i}`) as Buffer)).toBe(md5(data));
    // Without the budget, four uploads would send up to 2 parts each at once (8), from 12 buffers.
    expect(s3.maxSending()).toBeLessThanOrEqual(3);
    expect(mostHeld).toBeLessThanOrEqual(3 * 5 * MiB);
    expect(memory.usedBytes).toBe(0);
  });

  it('one upload alone still sends parts in parallel within the budget, and a failed one gives its buffers back', async () => {
    const memory = new UploadMemory(64 * MiB);
    const s3 = fakeS3({ partDelayMs: 5 });
    await upload(s3, body(23 * MiB), { partConcurrency: 2, memory });
    expect(s3.maxSending()).toBe(2);
    expect(memory.usedBytes).toBe(0);
    const failing = fakeS3({ failPart: 2 });
    await expect(upload(failing, body(23 * MiB), { partConcurrency: 2, memory })).rejects.toBeInstanceOf(
      BlobStoreUnavailableError,
    );
    expect(memory.usedBytes).toBe(0);
  });

  it('with the budget spent, a body under 1 MiB still goes through and a bigger one waits, read no further than its first MiB', async () => {
    const memory = new UploadMemory(5 * MiB);
    await memory.take(5 * MiB); // another upload's buffer
    const s3 = fakeS3();
    await upload(s3, body(900 * 1024), { memory });
    expect(s3.objects.has('k')).toBe(true);

    let read = 0;
    const data = body(3 * MiB);
    const source = chunked(data).on('data', (c: Buffer) => {
      read += c.length;
    });
    let done = false;
    const waiting = upload(s3, source, { memory }).then(() => {
      done = true;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    expect(read).toBeLessThanOrEqual(MiB + 2 * 65536);
    memory.give(5 * MiB);
    await waiting;
    expect(md5(s3.objects.get('k') as Buffer)).toBe(md5(data));
    expect(memory.usedBytes).toBe(0);
  });

  it('an upload that waits for the budget longer than its limit fails as busy (a 503) and holds nothing', async () => {
    const memory = new UploadMemory(5 * MiB);
    await memory.take(5 * MiB);
    const s3 = fakeS3();
    await expect(upload(s3, body(12 * MiB), { memory, memoryWaitMs: 30 })).rejects.toBeInstanceOf(
      UploadMemoryBusyError,
    );
    expect(s3.calls).toEqual([]);
    expect(memory.usedBytes).toBe(5 * MiB);
    memory.give(5 * MiB);
    await upload(s3, body(12 * MiB), { memory });
    expect(memory.usedBytes).toBe(0);
  });

  it('a body smaller than one part is one PutObject and takes no part buffer', async () => {
    const s3 = fakeS3();
    const data = body(3 * MiB);
    let md5Seen: string | undefined;
    await upload(s3, data, {
      beforePublish(_size, bodyMd5) {
        md5Seen = bodyMd5;
        return undefined;
      },
    });
    expect(s3.calls).toEqual(['PutObject']);
    expect(md5Seen).toBe(md5(data));
    expect(md5(s3.objects.get('k') as Buffer)).toBe(md5(data));
  });
});
