import { S3Client } from '@aws-sdk/client-s3';
import type { BlobsConfig } from '../config.ts';

/**
 * The S3 client for a configured bucket. Everything comes from the configuration (itself read
 * from the server's env), never from process.env, except where the configuration says to use the
 * SDK's own credential chain (profiles, instance roles).
 */
export function makeS3Client(config: Extract<BlobsConfig, { kind: 's3' }>): S3Client {
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, forcePathStyle: true } : {}),
    ...(config.credentials ? { credentials: config.credentials } : {}),
    // Otherwise the SDK sends stream bodies aws-chunked with trailing CRC32 checksums, which
    // radosgw (Ceph 16) refuses with 411; Cairn verifies every byte against its md5 itself.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A store that is down should turn into a prompt 503, not a request hanging in retries; a
    // gateway that stops answering mid-transfer is given up after two idle minutes.
    maxAttempts: 2,
    requestHandler: {
      connectionTimeout: 5_000,
      socketTimeout: 120_000,
      // 50 sockets by default: 64 uploads × 4 parts in flight would queue the batch call's HEADs.
      httpAgent: { keepAlive: true, maxSockets: 512 },
      httpsAgent: { keepAlive: true, maxSockets: 512 },
    },
  });
  // Over plain HTTP the SDK signs a SHA-256 of every part body: a third pass over each byte
  // (after the client's upload and Cairn's md5) that halved upload speed in bench/s3-blobs. The
  // bytes were checked against their md5 before they leave; on the wire, use an https endpoint.
  client.middlewareStack.add(
    (next) => async (args) => {
      const headers = (args.request as { headers?: Record<string, string> } | undefined)?.headers;
      if (headers) headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
      return next(args);
    },
    { step: 'build', name: 'cairnUnsignedPayload' },
  );
  return client;
}
