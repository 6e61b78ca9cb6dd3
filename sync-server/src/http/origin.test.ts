import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from './origin.ts';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('isOriginAllowed', () => {
  it('allows clients that send no Origin (non-browser tools)', () => {
    expect(isOriginAllowed(req({ host: '127.0.0.1:8787' }), new Set())).toBe(true);
  });
  it("allows the server's own origin and refuses other sites", () => {
    const none = new Set<string>();
    expect(isOriginAllowed(req({ host: '127.0.0.1:8787', origin: 'http://127.0.0.1:8787' }), none)).toBe(true);
    expect(isOriginAllowed(req({ host: '127.0.0.1:8787', origin: 'http://evil.example' }), none)).toBe(false);
    expect(isOriginAllowed(req({ host: '127.0.0.1:8787', origin: 'http://127.0.0.1:9999' }), none)).toBe(false);
    expect(isOriginAllowed(req({ host: '127.0.0.1:8787', origin: 'null' }), none)).toBe(false);
    expect(isOriginAllowed(req({ host: '127.0.0.1:8787', origin: 'file://127.0.0.1:8787' }), none)).toBe(false);
  });
  it('allows origins on the configured list (a proxy in front of the server)', () => {
    const list = new Set(['https://cairn.example.org']);
    expect(isOriginAllowed(req({ host: '10.0.0.5:8787', origin: 'https://cairn.example.org' }), list)).toBe(true);
    expect(isOriginAllowed(req({ host: '10.0.0.5:8787', origin: 'https://other.example.org' }), list)).toBe(false);
  });
});
