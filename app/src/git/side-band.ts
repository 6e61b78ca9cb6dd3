/**
 * The upload-pack response read as it streams (pkt-lines, side-band-64k), without joining
 * pieces: pack bytes (band 1) go to `onPack` as views of the piece they arrived in, however the
 * network cut the lines, so the only copy a received byte ever gets is into the file it is
 * written to. Other lines (`NAK`, `shallow …`, band 2 progress, band 3 errors) are short and
 * gathered whole into one buffer kept for the purpose.
 *
 *   const demux = new SideBandDemux({ onPack: (bytes) => sink.append(bytes), onLine });
 *   for (const piece of pieces) demux.push(piece);
 *   demux.end(); // throws if the response stopped mid-line
 */
import { GitPackError } from './errors.ts';

export interface SideBandHandlers {
  /** Pack bytes, in order; a view valid only during the call. */
  onPack(bytes: Uint8Array): void;
  /** Any other line whole (band 2 and 3 lines keep their band byte first); a view valid only during the call. */
  onLine(line: Uint8Array): void;
  /** A flush packet (`0000`). */
  onFlush?(): void;
}

/** The longest pkt-line: 65520 bytes, its 4-digit length included. */
const MAX_PKT = 65520;

/** The value of one hex digit (either case), or -1. */
function hexDigit(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

export class SideBandDemux {
  /** Digits of the next line's length gathered so far (a length may span pieces). */
  private lengthDigits = 0;
  private length = 0;
  /** Payload bytes of the current line still to come; -1 while reading a length. */
  private left = -1;
  /** Whether the current line is pack data (streamed) or another line (gathered). */
  private packLine = false;
  /** Whether the current line's first byte (its band) is still to come. */
  private atBand = false;
  private readonly line = new Uint8Array(MAX_PKT);
  private lineLength = 0;

  constructor(private readonly handlers: SideBandHandlers) {}

  /** The next bytes of the response, in order. @throws GitPackError on a malformed line. */
  push(piece: Uint8Array): void {
    let i = 0;
    const n = piece.length;
    while (i < n) {
      if (this.left < 0) {
        // The 4 hex digits of a length.
        while (i < n && this.lengthDigits < 4) {
          const d = hexDigit(piece[i++] as number);
          if (d < 0) throw new GitPackError('the server sent a malformed response');
          this.length = this.length * 16 + d;
          this.lengthDigits++;
        }
        if (this.lengthDigits < 4) return;
        const length = this.length;
        this.lengthDigits = 0;
        this.length = 0;
        if (length === 0) {
          this.handlers.onFlush?.();
          continue;
        }
        if (length < 4 || length > MAX_PKT) throw new GitPackError('the server sent a malformed response');
        this.left = length - 4;
        this.atBand = true;
        this.lineLength = 0;
        if (this.left === 0) this.endLine();
        continue;
      }
      if (this.atBand) {
        this.atBand = false;
        this.packLine = piece[i] === 1;
        if (this.packLine) {
          i++;
          this.left--;
          if (this.left === 0) this.endLine();
          continue;
        }
      }
      const take = Math.min(this.left, n - i);
      if (this.packLine) {
        this.handlers.onPack(piece.subarray(i, i + take));
      } else {
        this.line.set(piece.subarray(i, i + take), this.lineLength);
        this.lineLength += take;
      }
      i += take;
      this.left -= take;
      if (this.left === 0) this.endLine();
    }
  }

  /** The response ended: @throws GitPackError when it stopped mid-line. */
  end(): void {
    if (this.left >= 0 || this.lengthDigits > 0) {
      throw new GitPackError('the server closed the connection mid-response');
    }
  }

  private endLine(): void {
    if (!this.packLine) this.handlers.onLine(this.line.subarray(0, this.lineLength));
    this.packLine = false;
    this.left = -1;
  }
}
