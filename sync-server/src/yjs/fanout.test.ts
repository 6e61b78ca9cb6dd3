import { describe, expect, it } from 'vitest';
import { parseFanoutPayload } from './fanout.ts';

describe('fan-out payloads', () => {
  it('reads an update, a removal and presence, and refuses what this version does not know', () => {
    expect(parseFanoutPayload('u 0a1b 42 alice/thesis/plan')).toEqual({
      origin: '0a1b',
      event: { kind: 'update', doc: 'alice/thesis/plan', id: 42 },
    });
    expect(parseFanoutPayload('r 0a1b 0 alice/thesis/plan')).toEqual({
      origin: '0a1b',
      event: { kind: 'removed', doc: 'alice/thesis/plan' },
    });
    expect(parseFanoutPayload('a 0a1b 0 alice/thesis/plan AQID')).toEqual({
      origin: '0a1b',
      event: { kind: 'awareness', doc: 'alice/thesis/plan', update: new Uint8Array([1, 2, 3]) },
    });
    expect(parseFanoutPayload('a 0a1b 0 alice/thesis/plan')).toBeUndefined();
    expect(parseFanoutPayload('u 0a1b 42 alice/thesis/plan AQID')).toBeUndefined();
    expect(parseFanoutPayload('x 0a1b 1 alice/thesis/plan')).toBeUndefined();
    expect(parseFanoutPayload('u 0a1b notanumber alice/thesis/plan')).toBeUndefined();
  });
});
