import { describe, expect, it } from 'vitest';
import { addHeadToAdvertisement } from './advertised-head.ts';

const enc = new TextEncoder();
const pkt = (s: string) => `${(enc.encode(s).length + 4).toString(16).padStart(4, '0')}${s}`;
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

/** A v1 smart-HTTP advertisement as git http-backend sends it. */
function advert(lines: string[]): Uint8Array {
  return enc.encode(`${pkt('# service=git-upload-pack\n')}0000${lines.map(pkt).join('')}0000`);
}

function refsOf(bytes: Uint8Array): string[] {
  const text = new TextDecoder().decode(bytes);
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const len = Number.parseInt(text.slice(at, at + 4), 16);
    if (len === 0) {
      out.push('flush');
      at += 4;
      continue;
    }
    out.push(text.slice(at + 4, at + len));
    at += len;
  }
  return out;
}

describe('a ref advertisement without HEAD', () => {
  it('gets a HEAD line for the fetched ref, carrying the capabilities', () => {
    const body = advert([`${A} refs/heads/master\0multi_ack side-band-64k\n`, `${B} refs/tags/v1\n`]);
    expect(refsOf(addHeadToAdvertisement(body, 'refs/heads/master'))).toEqual([
      '# service=git-upload-pack\n',
      'flush',
      `${A} HEAD\0multi_ack side-band-64k\n`,
      `${A} refs/heads/master\n`,
      `${B} refs/tags/v1\n`,
      'flush',
    ]);
    expect(refsOf(addHeadToAdvertisement(body, 'refs/tags/v1'))[2]).toBe(`${B} HEAD\0multi_ack side-band-64k\n`);
  });

  it('leaves alone one that has HEAD, an empty repository, a ref it lacks, and what is not pkt-lines', () => {
    const withHead = advert([`${A} HEAD\0caps symref=HEAD:refs/heads/main\n`, `${A} refs/heads/main\n`]);
    expect(addHeadToAdvertisement(withHead, 'refs/heads/main')).toBe(withHead);
    const empty = advert([`${'0'.repeat(40)} capabilities^{}\0caps\n`]);
    expect(addHeadToAdvertisement(empty, 'refs/heads/main')).toBe(empty);
    const other = advert([`${A} refs/heads/master\0caps\n`]);
    expect(addHeadToAdvertisement(other, 'refs/heads/nope')).toBe(other);
    const junk = enc.encode('<html>not git</html>');
    expect(addHeadToAdvertisement(junk, 'refs/heads/main')).toBe(junk);
  });
});
