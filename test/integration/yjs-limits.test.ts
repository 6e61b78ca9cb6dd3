import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo } from '../support/create-repo.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import { rawSocket, waitFor } from './yjs-clients.ts';

/** The per-user cap on open live-notes sockets: over it, close 1013 (retry later). */
const ADMIN_TOKEN = 'cairn_test_admin_token_yjs_0003';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer({
    CAIRN_ADMIN_PASSWORD: 'admin-password-yjs',
    CAIRN_ADMIN_TOKEN: ADMIN_TOKEN,
    CAIRN_YJS_MAX_SOCKETS_PER_USER: '2',
  });
  const res = await createRepo(server.url, ADMIN_TOKEN, { name: 'lab', private: false });
  expect(res.status).toBe(201);
});
afterAll(() => server?.stop());

describe('open documents per user', () => {
  it('refuses a user’s socket past the cap with 1013 and accepts again once one closes', async () => {
    const open = (doc: string) => rawSocket(server.url, `/yjs/admin/lab/${doc}?token=${ADMIN_TOKEN}`);
    const first = open('one');
    const second = open('two');
    await Promise.all([first.opened, second.opened]);
    // The greeting (SyncStep1) arrives only for admitted sockets.
    await waitFor('greetings', () => first.messages.length > 0 && second.messages.length > 0);

    const third = open('three');
    expect((await third.closed).code).toBe(1013);

    // Signed-out readers of a public repository are counted separately (per address).
    // Readers are not greeted; their SyncStep1 is answered.
    const anonymous = rawSocket(server.url, '/yjs/admin/lab/one');
    await anonymous.opened;
    anonymous.ws.send(Buffer.from([0x00, 0x00, 0x01, 0x00]));
    await waitFor('anonymous answered', () => anonymous.messages.length > 0);

    first.ws.close();
    await first.closed;
    // The server counts the close once its side has seen it: retry until admitted.
    let admitted = false;
    for (let attempt = 0; attempt < 50 && !admitted; attempt++) {
      const retry = open('three');
      admitted = await Promise.race([
        waitFor('greeting', () => retry.messages.length > 0, 3000).then(
          () => true,
          () => false,
        ),
        retry.closed.then(() => false),
      ]);
    }
    expect(admitted).toBe(true);
    second.ws.close();
    anonymous.ws.close();
  });
});
