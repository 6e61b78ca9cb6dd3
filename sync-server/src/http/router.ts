/**
 * The one method router of Cairn's own endpoints (JSON API, git, DVC remote, run feed): a table
 * of `[method, path pattern, handler]`. A path that some entry matches but none for the request's
 * method is a 405 with `Allow` listing what the path answers (sendMethodNotAllowed, the one 405
 * of these endpoints); a path no entry matches is the caller's 404. MLflow answers 405 in its own
 * error shape (mlflow/route.ts), from its own endpoint table.
 */
import type { ServerResponse } from 'node:http';
import { sendError } from './respond.ts';

export type Routes<H> = ReadonlyArray<readonly [method: string, pattern: RegExp, handler: H]>;

/** What a table says about a request: the handler and the pattern's groups, or the methods allowed. */
export type Routed<H> = { handler: H; params: string[] } | { allow: string };

/**
 * Looks `method path` up in `routes`; null when no entry matches the path. A GET entry also
 * answers HEAD (Node sends no body for HEAD), as git and DVC clients expect.
 * @example route([['GET', /^\/a$/, h]], 'POST', '/a') // { allow: 'GET, HEAD' }
 */
export function route<H>(routes: Routes<H>, method: string, path: string): Routed<H> | null {
  const matching: [string, H, RegExpExecArray][] = [];
  for (const [m, pattern, handler] of routes) {
    const found = pattern.exec(path);
    if (found) matching.push([m, handler, found]);
  }
  if (matching.length === 0) return null;
  const hit =
    matching.find(([m]) => m === method) ?? (method === 'HEAD' ? matching.find(([m]) => m === 'GET') : undefined);
  if (hit) return { handler: hit[1], params: hit[2].slice(1) };
  const allow = new Set<string>();
  for (const [m] of matching) {
    allow.add(m);
    if (m === 'GET') allow.add('HEAD');
  }
  return { allow: [...allow].join(', ') };
}

/** Answers 405 with the methods the URL does answer. */
export function sendMethodNotAllowed(res: ServerResponse, allow: string, message = `This URL answers ${allow}.`): void {
  sendError(res, 405, 'method_not_allowed', message, { Allow: allow });
}
