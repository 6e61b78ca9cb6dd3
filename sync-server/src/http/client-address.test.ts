import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SettingsError } from '../config.ts';
import { resolveClientAddress, trustedProxiesFromEnv } from './client-address.ts';

const req = (peer: string | undefined, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress: peer },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
});
const trusting = (list: string) => trustedProxiesFromEnv({ CAIRN_TRUSTED_PROXIES: list });

describe('the client address behind load balancers', () => {
  it('is the peer when nothing is trusted, whatever the request claims', () => {
    expect(resolveClientAddress(req('203.0.113.7', '10.0.0.1'), new Set())).toBe('203.0.113.7');
    expect(resolveClientAddress(req('::ffff:203.0.113.7'), new Set())).toBe('203.0.113.7');
    expect(resolveClientAddress(req(undefined), new Set())).toBe('unknown');
  });

  it('is the last hop a trusted balancer names, skipping further trusted hops', () => {
    const trusted = trusting('127.0.0.1, 10.1.1.1');
    expect(resolveClientAddress(req('127.0.0.1', '198.51.100.4'), trusted)).toBe('198.51.100.4');
    // A client's own forged entry sits left of what the balancers appended: never read.
    expect(resolveClientAddress(req('::ffff:127.0.0.1', '6.6.6.6, 198.51.100.4, 10.1.1.1'), trusted)).toBe(
      '198.51.100.4',
    );
    expect(resolveClientAddress(req('127.0.0.1', ['6.6.6.6', '198.51.100.4']), trusted)).toBe('198.51.100.4');
    expect(resolveClientAddress(req('127.0.0.1', '2001:db8::5'), trusted)).toBe('2001:db8::5');
  });

  it('stops at the balancer when the header is missing or not an address', () => {
    const trusted = trusting('127.0.0.1');
    expect(resolveClientAddress(req('127.0.0.1'), trusted)).toBe('127.0.0.1');
    expect(resolveClientAddress(req('127.0.0.1', 'unknown'), trusted)).toBe('127.0.0.1');
    expect(resolveClientAddress(req('127.0.0.1', '198.51.100.4, garbage'), trusted)).toBe('127.0.0.1');
  });

  it('never answers an address no one in the chain vouched for', () => {
    const trusted = trusting('127.0.0.1');
    fc.assert(
      fc.property(fc.string(), fc.ipV4(), (header, peer) => {
        const got = resolveClientAddress(req(peer, header), trusted);
        if (peer !== '127.0.0.1') return got === peer;
        // From the balancer: its own address or one of the header's hops, never invented.
        const hops = header.split(',').map((h) => h.trim());
        return got === '127.0.0.1' || hops.includes(got);
      }),
    );
  });

  it('refuses a setting that is not a list of addresses, naming it', () => {
    expect(trustedProxiesFromEnv({})).toEqual(new Set());
    expect(trusting(' 127.0.0.1 ,::1,')).toEqual(new Set(['127.0.0.1', '::1']));
    expect(() => trusting('127.0.0.1, lb.internal')).toThrow(SettingsError);
    expect(() => trusting('10.0.0.0/8')).toThrow(/CAIRN_TRUSTED_PROXIES.*"10\.0\.0\.0\/8" is not one/);
  });
});
