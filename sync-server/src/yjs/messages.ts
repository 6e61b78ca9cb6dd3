import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as authProtocol from 'y-protocols/auth';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MalformedMessageError } from './errors.ts';

/**
 * The y-websocket wire messages (see PROTOCOL.md): one message per WebSocket frame, a varuint
 * message type, then its body. `parseClientMessage` is the one entry for untrusted bytes: it
 * returns a typed, fully validated message or throws `MalformedMessageError`; nothing is
 * applied to a document before it has passed here. The writers never touch a socket.
 */

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_AUTH = 2;
export const MESSAGE_QUERY_AWARENESS = 3;

export interface AwarenessEntry {
  clientID: number;
  clock: number;
  /** The published state, or null when the client left. */
  state: unknown;
}

export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array; entries: AwarenessEntry[]; stateBytes: number }
  | { type: 'query-awareness' };

/**
 * `parseClientMessage(frame)` → a `ClientMessage`. Refuses unknown types, truncated or
 * over-long varuints, length prefixes past the end, trailing bytes, Yjs updates and state
 * vectors that do not decode, and awareness states that are not JSON.
 */
export function parseClientMessage(frame: Uint8Array): ClientMessage {
  // A private copy: a Node Buffer may be a view into a larger shared pool, and lib0 builds
  // sub-views on `.buffer`, so a lying length prefix must not reach bytes past this frame.
  const bytes = new Uint8Array(frame);
  const fail = (reason: string): never => {
    throw new MalformedMessageError(`Malformed Yjs message: ${reason}.`, { bytes: bytes.length, reason });
  };
  const decoder = decoding.createDecoder(bytes);
  const readVarUint = (what: string): number => {
    try {
      return decoding.readVarUint(decoder);
    } catch {
      return fail(`truncated or oversized varuint (${what})`);
    }
  };
  const readBytes = (what: string): Uint8Array => {
    const len = readVarUint(`${what} length`);
    if (len > remaining(decoder)) fail(`${what} length ${len} runs past the end of the message`);
    return decoding.readUint8Array(decoder, len);
  };
  const end = <T>(message: T): T => {
    if (decoding.hasContent(decoder)) fail(`${remaining(decoder)} trailing bytes`);
    return message;
  };

  if (bytes.length === 0) fail('empty frame');
  const type = readVarUint('message type');
  switch (type) {
    case MESSAGE_SYNC: {
      const step = readVarUint('sync message type');
      const payload = readBytes('sync payload');
      if (step === syncProtocol.messageYjsSyncStep1) {
        try {
          Y.decodeStateVector(payload);
        } catch {
          fail('state vector does not decode');
        }
        return end({ type: 'sync-step1', stateVector: payload });
      }
      if (step !== syncProtocol.messageYjsSyncStep2 && step !== syncProtocol.messageYjsUpdate) {
        return fail(`unknown sync message type ${step}`);
      }
      if (!isDecodableUpdate(payload)) fail('Yjs update does not decode');
      return end({ type: step === syncProtocol.messageYjsUpdate ? 'update' : 'sync-step2', update: payload });
    }
    case MESSAGE_AWARENESS: {
      const update = readBytes('awareness update');
      const { entries, stateBytes } = parseAwarenessUpdate(update, fail);
      return end({ type: 'awareness', update, entries, stateBytes });
    }
    case MESSAGE_QUERY_AWARENESS:
      return end({ type: 'query-awareness' });
    case MESSAGE_AUTH:
      return fail('auth messages are sent by the server only');
    default:
      return fail(`unknown message type ${type}`);
  }
}

function isDecodableUpdate(update: Uint8Array): boolean {
  try {
    Y.decodeUpdate(update);
    return true;
  } catch {
    return false;
  }
}

const utf8 = new TextDecoder();

function parseAwarenessUpdate(
  update: Uint8Array,
  fail: (reason: string) => never,
): { entries: AwarenessEntry[]; stateBytes: number } {
  const decoder = decoding.createDecoder(update);
  const entries: AwarenessEntry[] = [];
  let stateBytes = 0;
  try {
    const count = decoding.readVarUint(decoder);
    for (let i = 0; i < count; i++) {
      const clientID = decoding.readVarUint(decoder);
      const clock = decoding.readVarUint(decoder);
      const len = decoding.readVarUint(decoder);
      if (len > remaining(decoder)) return fail('awareness state runs past the end');
      const text = utf8.decode(decoding.readUint8Array(decoder, len));
      stateBytes += len;
      entries.push({ clientID, clock, state: JSON.parse(text) as unknown });
    }
  } catch (err) {
    if (err instanceof MalformedMessageError) throw err;
    return fail('awareness update does not decode');
  }
  if (decoding.hasContent(decoder)) fail('trailing bytes in awareness update');
  return { entries, stateBytes };
}

/** The server's SyncStep1: its state vector, asking the client for what the server lacks. */
export function writeSyncStep1Message(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

/** The answer to a client's SyncStep1: everything the client's state vector lacks. */
export function writeSyncStep2Message(doc: Y.Doc, stateVector: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeSyncStep2(encoder, doc, stateVector);
  return encoding.toUint8Array(encoder);
}

/** One document update, relayed to every client of the document. */
export function writeUpdateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_SYNC);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** An awareness update (presence: cursors, names), relayed as is. */
export function writeAwarenessMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** y-protocols' permission-denied: the client's write was not applied (read-only access). */
export function writePermissionDeniedMessage(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MESSAGE_AUTH);
  authProtocol.writePermissionDenied(encoder, reason);
  return encoding.toUint8Array(encoder);
}

function remaining(decoder: decoding.Decoder): number {
  return decoder.arr.length - decoder.pos;
}
