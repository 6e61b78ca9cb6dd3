/**
 * Test support: the smallest DVC HTTP remote there is — plain `node:http` writing request
 * bodies (chunked or not, POST or PUT) to files named by the URL path and serving them back
 * with GET/HEAD, like dvc-http's own test server. No batch "missing" call, so clients must
 * fall back to per-object checks. Optional Basic auth. Stands in until tests use the sync server.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface PlainRemote {
  url: string;
  root: string;
  /** `METHOD /path` of every request, in order. */
  requests: string[];
  close(): Promise<void>;
}

export async function startPlainRemote(root: string, auth?: { user: string; password: string }): Promise<PlainRemote> {
  const requests: string[] = [];
  const expected = auth ? `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` : undefined;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(`${req.method} ${url.pathname}`);
    const rel = decodeURIComponent(url.pathname).replace(/^\/+/, '');
    if (rel.split('/').some((p) => p === '..' || p === '.')) {
      res.writeHead(400).end();
      return;
    }
    if (expected && req.headers.authorization !== expected) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="dvc"' }).end();
      return;
    }
    const file = path.join(root, rel);
    if (req.method === 'POST' || req.method === 'PUT') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.upload`;
      pipeline(req, fs.createWriteStream(tmp))
        .then(() => {
          fs.renameSync(tmp, file);
          res.writeHead(200).end();
        })
        .catch(() => res.writeHead(500).end());
      return;
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      const st = fs.statSync(file, { throwIfNoEntry: false });
      if (!st?.isFile()) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(405).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/owner/repo.dvc`,
    root,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
