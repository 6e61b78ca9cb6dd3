/**
 * A slow network link for tests: a TCP proxy on 127.0.0.1 that forwards what the client sends at
 * most `bytesPerSecond` (answers flow back at full speed), so a client that cannot be slowed
 * itself — `git push` — is still sending when a test wants to break something mid-way.
 */
import net from 'node:net';

export interface SlowLink {
  /** `http://127.0.0.1:PORT`: point the client here instead of at `target`. */
  url: string;
  /** Bytes the clients sent that were forwarded so far. */
  forwarded(): number;
  close(): Promise<void>;
}

export function startSlowLink(target: string, bytesPerSecond: number): Promise<SlowLink> {
  const to = new URL(target);
  const sockets = new Set<net.Socket>();
  let forwarded = 0;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(to.port), to.hostname);
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    upstream.pipe(client);
    // Client → upstream in slices, one slice per tick of the rate.
    const slice = Math.max(1024, Math.floor(bytesPerSecond / 20));
    const queue: Buffer[] = [];
    let timer: NodeJS.Timeout | null = null;
    const drain = () => {
      let budget = slice;
      while (budget > 0 && queue.length > 0) {
        const head = queue[0] as Buffer;
        const part = head.subarray(0, budget);
        upstream.write(part);
        forwarded += part.length;
        budget -= part.length;
        if (part.length === head.length) queue.shift();
        else queue[0] = head.subarray(part.length);
      }
      if (queue.length === 0 && timer) {
        clearInterval(timer);
        timer = null;
        client.resume();
      }
    };
    client.on('data', (d: Buffer) => {
      queue.push(d);
      client.pause();
      timer ??= setInterval(drain, 50);
    });
    client.on('end', () => {
      const finish = setInterval(() => {
        if (upstream.destroyed) clearInterval(finish);
        else if (queue.length === 0) {
          clearInterval(finish);
          upstream.end();
        }
      }, 50);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        forwarded: () => forwarded,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
