import fc from 'fast-check';
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { MalformedMessageError } from './errors.ts';
import {
  parseClientMessage,
  writeAwarenessMessage,
  writePermissionDeniedMessage,
  writeSyncStep1Message,
  writeUpdateMessage,
} from './messages.ts';

/** A message as y-websocket's provider builds it. */
function clientMessage(build: (e: encoding.Encoder) => void): Uint8Array {
  const e = encoding.createEncoder();
  build(e);
  return encoding.toUint8Array(e);
}

function docWithText(text: string): Y.Doc {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return doc;
}

function malformedReason(bytes: Uint8Array): string {
  try {
    parseClientMessage(bytes);
  } catch (err) {
    expect(err).toBeInstanceOf(MalformedMessageError);
    return (err as MalformedMessageError).data.reason;
  }
  throw new Error('expected a MalformedMessageError');
}

describe('parseClientMessage', () => {
  it('reads the messages y-websocket sends', () => {
    const doc = docWithText('hello');
    const step1 = clientMessage((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep1(e, doc);
    });
    expect(parseClientMessage(step1)).toEqual({ type: 'sync-step1', stateVector: Y.encodeStateVector(doc) });

    const step2 = clientMessage((e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeSyncStep2(e, doc);
    });
    const parsed = parseClientMessage(step2);
    expect(parsed.type).toBe('sync-step2');
    const copy = new Y.Doc();
    Y.applyUpdate(copy, (parsed as { update: Uint8Array }).update);
    expect(copy.getText('t').toString()).toBe('hello');

    expect(parseClientMessage(writeUpdateMessage(Y.encodeStateAsUpdate(doc))).type).toBe('update');

    const awareness = new awarenessProtocol.Awareness(doc);
    awareness.setLocalState({ user: 'ada', cursor: 3 });
    const aw = parseClientMessage(
      writeAwarenessMessage(awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])),
    );
    expect(aw).toMatchObject({
      type: 'awareness',
      entries: [{ clientID: doc.clientID, state: { user: 'ada', cursor: 3 } }],
    });
    awareness.destroy();

    expect(parseClientMessage(new Uint8Array([3]))).toEqual({ type: 'query-awareness' });
  });

  it('refuses empty frames, unknown types and server-only auth messages', () => {
    expect(malformedReason(new Uint8Array([]))).toMatch(/empty/);
    expect(malformedReason(new Uint8Array([9]))).toMatch(/unknown message type 9/);
    expect(malformedReason(new Uint8Array([0, 7, 0]))).toMatch(/unknown sync message type 7/);
    expect(malformedReason(writePermissionDeniedMessage('no'))).toMatch(/server only/);
  });

  it('refuses a truncated varuint and a length prefix past the end', () => {
    expect(malformedReason(new Uint8Array([0x80]))).toMatch(/varuint/);
    expect(malformedReason(new Uint8Array([0, 2, 0xff, 0xff]))).toMatch(/varuint/);
    // Update claiming 2^28 bytes with three present.
    expect(malformedReason(new Uint8Array([0, 2, 0x80, 0x80, 0x80, 0x80, 0x01, 1, 2, 3]))).toMatch(/past the end/);
  });

  it('refuses trailing bytes and updates or state vectors that do not decode', () => {
    const ok = writeSyncStep1Message(docWithText('x'));
    expect(malformedReason(new Uint8Array([...ok, 0]))).toMatch(/trailing/);
    expect(malformedReason(new Uint8Array([0, 2, 3, 0xff, 0xfe, 0xfd]))).toMatch(/does not decode/);
    expect(malformedReason(new Uint8Array([0, 0, 2, 5, 1]))).toMatch(/state vector/);
    expect(malformedReason(new Uint8Array([1, 4, 1, 1, 1, 0x7b]))).toMatch(/awareness/);
  });

  it('does not read past its frame when the frame is a view into a larger buffer', () => {
    // A Node Buffer from a pool: the frame claims 4 bytes of update but holds 2; the pool has more.
    const pool = new Uint8Array([0, 2, 4, 0, 0, 0, 0, 0, 0, 0]);
    expect(malformedReason(pool.subarray(0, 5))).toMatch(/past the end/);
  });

  it('either parses or throws MalformedMessageError for any bytes (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        try {
          parseClientMessage(bytes);
        } catch (err) {
          if (!(err instanceof MalformedMessageError)) throw err;
        }
      }),
      { numRuns: 10_000 },
    );
  });

  it('either parses or throws MalformedMessageError for corrupted real messages (fuzz)', () => {
    const doc = docWithText('the quick brown fox');
    doc.getMap('m').set('k', { nested: [1, 2, 'three'] });
    const real = writeUpdateMessage(Y.encodeStateAsUpdate(doc));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(real.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(real.length),
        (flips, cut) => {
          const bytes = real.slice(0, Math.max(1, cut));
          for (const [i, v] of flips) if (i < bytes.length) bytes[i] = v;
          try {
            const message = parseClientMessage(bytes);
            if (message.type === 'update') Y.applyUpdate(new Y.Doc(), message.update);
          } catch (err) {
            if (!(err instanceof MalformedMessageError)) throw err;
          }
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
