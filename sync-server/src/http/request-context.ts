import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The id of the request being answered, carried through every await of its handling
 * (AsyncLocalStorage), so each log line written meanwhile names it (log.ts) and each error
 * answer carries it (respond.ts): a person quoting the id from an error finds its log lines.
 * A client's own `X-Request-Id` is kept when it is short and plain (a proxy's id), else one is made.
 */
export interface RequestContext {
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

const SAFE_ID = /^[A-Za-z0-9._:-]{8,64}$/;

export function requestIdFor(req: IncomingMessage): string {
  const offered = req.headers['x-request-id'];
  return typeof offered === 'string' && SAFE_ID.test(offered) ? offered : randomBytes(8).toString('hex');
}

/** The current request's id, if a request is being answered. */
export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
