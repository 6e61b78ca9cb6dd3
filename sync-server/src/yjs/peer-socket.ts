import type { WebSocket } from 'ws';
import type { Logger } from '../log.ts';
import { CLOSE_INTERNAL, CLOSE_INVALID_DATA, CLOSE_POLICY, type DocRoom, type RoomPeer } from './doc-room.ts';
import type { DocRooms } from './doc-rooms.ts';
import { MalformedMessageError } from './errors.ts';
import { parseClientMessage } from './messages.ts';

/**
 * Binds one accepted WebSocket to a document room. This is the edge where untrusted frames
 * arrive: every socket gets an `error` listener, every frame is validated before the room sees
 * it, and anything wrong closes this socket only.
 */

export interface PeerSocketOptions {
  key: string;
  canWrite: boolean;
  label: string;
  log: Logger;
  maxMessagesPerSecond: number;
  /** Bytes queued for a slow reader past which it is disconnected. */
  maxBufferedBytes?: number;
}

const CLOSE_UNSUPPORTED_DATA = 1003;
/** How long a closing socket may take to answer the close handshake before it is cut. */
const CLOSE_HANDSHAKE_MS = 2000;

export function attachPeerSocket(ws: WebSocket, rooms: DocRooms, opts: PeerSocketOptions): void {
  const maxBuffered = opts.maxBufferedBytes ?? 16 * 1024 * 1024;
  let room: DocRoom | null = null;
  let closed = false;
  // Token bucket: a burst of twice the rate, refilled continuously.
  let tokens = opts.maxMessagesPerSecond * 2;
  let lastRefill = performance.now();

  const peer: RoomPeer = {
    canWrite: opts.canWrite,
    label: opts.label,
    send(message) {
      if (closed || ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > maxBuffered) {
        peer.close(CLOSE_POLICY, 'reading too slowly');
        return;
      }
      ws.send(message, { binary: true }, (err) => {
        if (err) opts.log.debug('yjs send failed', { doc: opts.key, peer: opts.label, error: String(err) });
      });
    },
    close(code, reason) {
      if (closed) return;
      closed = true;
      room?.leave(peer);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
      setTimeout(() => ws.terminate(), CLOSE_HANDSHAKE_MS).unref();
    },
  };

  ws.on('error', (err) => {
    // ws reports protocol violations here (oversize frame → 1009, bad RSV bits, invalid
    // UTF-8…) and closes the socket itself; without this listener Node would crash.
    opts.log.info('yjs socket error', { doc: opts.key, peer: opts.label, error: err.message });
    closed = true;
    room?.leave(peer);
  });
  ws.on('close', () => {
    closed = true;
    room?.leave(peer);
  });
  ws.on('message', (data, isBinary) => {
    if (closed) return;
    if (!isBinary) {
      peer.close(CLOSE_UNSUPPORTED_DATA, 'binary frames only');
      return;
    }
    const now = performance.now();
    tokens = Math.min(opts.maxMessagesPerSecond * 2, tokens + ((now - lastRefill) / 1000) * opts.maxMessagesPerSecond);
    lastRefill = now;
    if (tokens < 1) {
      peer.close(CLOSE_POLICY, 'too many messages');
      return;
    }
    tokens -= 1;
    const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    try {
      room?.receive(peer, parseClientMessage(frame));
    } catch (err) {
      if (err instanceof MalformedMessageError) {
        opts.log.info('yjs malformed message', { doc: opts.key, peer: opts.label, reason: err.data.reason });
        peer.close(CLOSE_INVALID_DATA, err.data.reason.slice(0, 100));
      } else {
        opts.log.error('yjs message failed', { doc: opts.key, peer: opts.label, error: String(err) });
        peer.close(CLOSE_INTERNAL, 'internal error');
      }
    }
  });
  room = rooms.join(opts.key, peer);
}
