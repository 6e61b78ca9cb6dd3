import type { ServerResponse } from 'node:http';

/** Sends a JSON body with the given status. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Cairn's own error shape: a stable machine-readable `code` and a sentence for people. */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  // The request id (set by server.ts) lets a person match this answer to the server's log lines.
  const requestId = res.getHeader('X-Request-Id');
  const error = typeof requestId === 'string' ? { code, message, requestId } : { code, message };
  sendJson(res, status, { error }, headers);
}
