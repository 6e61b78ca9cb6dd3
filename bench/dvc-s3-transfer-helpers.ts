/**
 * The timed loops of the DVC-to-S3 benches (s3-blobs, several-processes): one large object put and
 * got with the AWS SDK straight to the bucket (the baseline) and through Cairn's DVC remote, each
 * a median of a few runs, the cases taking turns (interleavedMedians in lib.ts). Every run uploads a new object (the same big buffer behind an 8-byte
 * header of its own), and the copies a run leaves are deleted between runs, untimed, so the
 * engine holds few of them.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getCounting, interleavedMedians, putChunked, type TimedCase } from './lib.ts';

export interface DvcS3TransferOptions {
  s3: S3Client;
  bucket: string;
  /** The bucket key Cairn stores a DVC object under. */
  blobKeyOf(md5: string): string;
  /** Size of each object, MiB (plus the 8-byte header). */
  mb: number;
  /** Timed runs per measurement. */
  runs: number;
  /** Bytes per write, as the DVC client sends them. */
  chunk: number;
  /** Authorization header for Cairn. */
  auth: string;
}

export function dvcS3Transfers(opts: DvcS3TransferOptions) {
  const { s3, bucket, chunk, auth } = opts;
  // One shared buffer; each run's object differs by an 8-byte header, so every upload is new.
  const base = Buffer.alloc(opts.mb * 1024 * 1024);
  for (let i = 0; i < base.length; i += 4096) base[i] = (i / 4096) % 256;
  const size = base.length + 8;
  const objectOf = (n: number) => {
    const header = Buffer.alloc(8);
    header.writeUInt32BE(n, 0);
    return { header, md5: createHash('md5').update(header).update(base).digest('hex') };
  };
  const sdkKey = (run: number) => `sdk-baseline/${run}`;
  const drop = (key: string) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  // What the downloads read: the SDK's first upload and Cairn's object 0, kept by the uploads.
  const kept = objectOf(0);

  return {
    /** Bytes per object. */
    size,

    /** The medians of `cases`, taking turns for `runs` rounds. */
    measure: (cases: readonly TimedCase[]) => interleavedMedians(cases, { rounds: opts.runs }),

    /** PutObject of each run's object; the first stays for `sdkDownload`. */
    sdkUpload: (name: string): TimedCase => ({
      name,
      run: async (run) => {
        const { header } = objectOf(100 + run);
        await s3.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: sdkKey(run),
            Body: Readable.from(
              (function* () {
                yield header;
                for (let off = 0; off < base.length; off += chunk) yield base.subarray(off, off + chunk);
              })(),
            ),
            ContentLength: size,
          }),
        );
      },
      between: async (run) => {
        if (run > 0) await drop(sdkKey(run));
      },
    }),

    /**
     * A DVC PUT of each run's object to `urlOf(md5)`, objects numbered from `firstObject`. Object 0
     * stays for `cairnDownload`; every other one is deleted after its run.
     */
    cairnUpload: (name: string, urlOf: (md5: string) => string, firstObject = 0): TimedCase => ({
      name,
      run: async (run) => {
        const o = objectOf(firstObject + run);
        const status = await putChunked(urlOf(o.md5), auth, o.header, base, chunk);
        if (status !== 200) throw new Error(`upload failed: ${status}`);
      },
      between: async (run) => {
        if (firstObject + run !== 0) await drop(opts.blobKeyOf(objectOf(firstObject + run).md5));
      },
    }),

    /** GetObject of the SDK's kept upload, counted, not kept. */
    sdkDownload: (name: string): TimedCase => ({
      name,
      run: async () => {
        const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: sdkKey(0) }));
        let n = 0;
        for await (const part of res.Body as AsyncIterable<Buffer>) n += part.length;
        if (n !== size) throw new Error(`short read: ${n}`);
      },
    }),

    /** A DVC GET of Cairn's kept upload from `urlOf(md5)`. */
    cairnDownload: (name: string, urlOf: (md5: string) => string): TimedCase => ({
      name,
      run: async () => {
        const n = await getCounting(urlOf(kept.md5), auth);
        if (n !== size) throw new Error(`short read: ${n}`);
      },
    }),

    /** Deletes the two kept objects. */
    async dropKept(): Promise<void> {
      await drop(sdkKey(0));
      await drop(opts.blobKeyOf(kept.md5));
    },
  };
}
