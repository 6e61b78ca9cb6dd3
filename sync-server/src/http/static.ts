import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { sendError } from './respond.ts';
import { sendMethodNotAllowed } from './router.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves the built PWA. Hashed assets under /assets/ are cached forever; everything else
 * (index.html, sw.js, the manifest) must be revalidated so a deploy is picked up. Paths that
 * are not files get index.html: the app's router owns them (single-page fallback).
 */
export function makeStaticHandler(appDir: string) {
  const root = path.resolve(appDir);
  return async function serveApp(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendMethodNotAllowed(res, 'GET, HEAD', `${req.method} is not allowed here`);
      return;
    }
    const file = await resolveFile(root, pathname);
    if (file) return sendFile(req, res, file.path, file.size, cacheControlFor(pathname));
    if (isMissingAsset(pathname)) {
      sendError(res, 404, 'not_found', `No file at ${pathname}`);
      return;
    }
    const index = await resolveFile(root, '/index.html');
    if (!index) {
      sendError(res, 503, 'app_not_built', 'The app has not been built: run `npm run build` (npm start does it).');
      return;
    }
    return sendFile(req, res, index.path, index.size, 'no-cache');
  };
}

/**
 * A missing top-level file (`/sw.js`, `/icon.png`) or anything under /assets/ is a missing asset
 * and gets 404. Deeper paths are app routes even when they end in an extension
 * (`/owner/repo/blob/main/data.csv`), so a shared link opens on a first visit.
 */
function isMissingAsset(pathname: string): boolean {
  if (pathname.startsWith('/assets/')) return true;
  const segments = pathname.split('/').filter(Boolean);
  return segments.length === 1 && path.posix.extname(pathname) !== '' && !pathname.endsWith('.html');
}

function cacheControlFor(pathname: string): string {
  return pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
}

async function resolveFile(root: string, pathname: string): Promise<{ path: string; size: number } | null> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const full = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  try {
    const st = await fs.promises.stat(full);
    return st.isFile() ? { path: full, size: st.size } : null;
  } catch {
    return null;
  }
}

function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  size: number,
  cacheControl: string,
): Promise<void> {
  res.writeHead(200, {
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': cacheControl,
    'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') {
    res.end();
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const stream = fs.createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
}
