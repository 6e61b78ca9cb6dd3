/**
 * DVC 2's "does this look like text?" test and its CRLF→LF rewrite, used only by the legacy
 * `md5-dos2unix` algorithm (dvc-data hashfile/istextfile.py `istextblock`, hash.py `dos2unix`).
 */

/** Bytes that count as text: 0x20–0x7E, \n, \r, \t, \f, \b (Python's TEXT_CHARS). */
const TEXT_BYTE = new Uint8Array(256);
for (let b = 0x20; b <= 0x7e; b++) TEXT_BYTE[b] = 1;
for (const b of [0x0a, 0x0d, 0x09, 0x0c, 0x08]) TEXT_BYTE[b] = 1;

/** How many leading bytes of a chunk the test looks at (DEFAULT_CHUNK_SIZE). */
export const TEXT_SNIFF_BYTES = 512;

/**
 * DVC's `istextblock`: empty ⇒ text; any NUL ⇒ binary; binary when more than 30 % of the bytes
 * are not text bytes. Bytes ≥ 0x80 (all non-ASCII UTF-8) count as non-text.
 * The float comparison mirrors Python's `len(nontext) / len(block) <= 0.30` exactly.
 */
export function isTextBlock(block: Uint8Array): boolean {
  if (block.length === 0) return true;
  let nonText = 0;
  for (let i = 0; i < block.length; i++) {
    const b = block[i] as number;
    if (b === 0) return false;
    if (TEXT_BYTE[b] === 0) nonText++;
  }
  return nonText / block.length <= 0.3;
}

/** Every CRLF pair becomes LF; a lone CR or LF is kept. Returns the input when it has no CR. */
export function dos2unix(data: Uint8Array): Uint8Array {
  let cr = data.indexOf(0x0d);
  if (cr < 0) return data;
  const out = new Uint8Array(data.length);
  let w = 0;
  let r = 0;
  while (cr >= 0) {
    if (data[cr + 1] === 0x0a) {
      out.set(data.subarray(r, cr), w);
      w += cr - r;
      r = cr + 1; // drop the CR, keep the LF
    }
    cr = data.indexOf(0x0d, cr + 1);
  }
  out.set(data.subarray(r), w);
  w += data.length - r;
  return out.subarray(0, w);
}
