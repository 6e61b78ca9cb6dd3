/**
 * A TCP port free on 127.0.0.1 right now, for tests that must start a server on the same port
 * twice (a restart the clients reconnect to) or point a client at a server not yet started.
 */
import net from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}
