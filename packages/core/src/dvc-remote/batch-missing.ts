/**
 * dvc-remote/ — the wire contract of Cairn's DVC remote beyond plain DVC HTTP, shared by the
 * server that answers it and the clients (app, CLI) that call it. Object ids and their paths
 * are cache/object-path.ts's; the protocol is written up in sync-server/src/dvc-remote/PROTOCOL.md.
 *
 * The batch `missing` call: `POST <remote>/missing {"oids": [oid, …]}` → `{"missing": [oid, …]}`,
 * the oids the remote does not hold (DVC 3 layout ids; `hashes` is accepted for `oids`).
 * `GET <remote>/missing` describes the call and sets `Cairn-Batch-Missing: 1`, so a client can
 * tell a Cairn remote from a plain DVC HTTP remote (which would store a POSTed body as a file).
 */
import { OID_PATTERN } from '../cache/object-path.ts';

/** The call's path below the remote's URL (`/owner/repo.dvc/missing`). */
export const BATCH_MISSING_PATH = 'missing';
/** Header on `GET <remote>/missing` that marks a remote offering the batch call. */
export const BATCH_MISSING_HEADER = 'Cairn-Batch-Missing';
/** The most oids one call may ask about. */
export const MAX_BATCH_OIDS = 100_000;

export interface BatchMissingRequest {
  oids: string[];
}
export interface BatchMissingResponse {
  missing: string[];
}

/** Why a request body is not a batch call, with the offending item when there is one. */
export interface BatchMissingProblem {
  message: string;
  index?: number;
}

/**
 * The oids a request body asks about, or why it is refused.
 * @example readBatchMissingRequest({ oids: ['0cc175b9c0f1b6a831c399e269772661'] }) // { ok: true, oids: [...] }
 */
export function readBatchMissingRequest(
  body: unknown,
): { ok: true; oids: string[] } | { ok: false; problem: BatchMissingProblem } {
  const record =
    typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const list = record.oids ?? record.hashes;
  if (!Array.isArray(list) || list.length > MAX_BATCH_OIDS) {
    return {
      ok: false,
      problem: {
        message: `Send {"oids": [...]} with at most ${MAX_BATCH_OIDS} object ids (32 hex digits, optionally ending in .dir).`,
      },
    };
  }
  const bad = list.findIndex((o) => typeof o !== 'string' || !OID_PATTERN.test(o));
  if (bad >= 0) {
    return {
      ok: false,
      problem: { message: `Item ${bad} is not an object id (32 lowercase hex, optional .dir).`, index: bad },
    };
  }
  return { ok: true, oids: list as string[] };
}

/** The `missing` list of a response body; undefined when the body is not a batch answer. */
export function readBatchMissingResponse(body: unknown): string[] | undefined {
  const list = typeof body === 'object' && body !== null ? (body as { missing?: unknown }).missing : undefined;
  return Array.isArray(list) ? list.filter((oid): oid is string => typeof oid === 'string') : undefined;
}
