import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.ts';

/**
 * Reads a JSON request body of at most `maxBytes`. Untrusted until the caller validates it, so
 * it is typed `unknown`. Errors: 413 payload_too_large, 400 malformed_json.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    throw new HttpError('payload_too_large', 413, `The JSON body is larger than ${maxBytes} bytes.`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      req.resume();
      throw new HttpError('payload_too_large', 413, `The JSON body is larger than ${maxBytes} bytes.`);
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new HttpError('bad_request', 400, 'The request needs a JSON body.');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError('malformed_json', 400, `The body is not valid JSON: ${(err as Error).message}`, {
      reason: 'malformed_json',
    });
  }
}

/** A plain object (not an array or null), for narrowing untrusted JSON. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
