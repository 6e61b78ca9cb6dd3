import { createHash } from 'node:crypto';
import { FileHasher } from '../../packages/core/src/index.ts';

/**
 * Uploads to the real server's DVC remote as DVC does (PUT at the object's path), and the
 * names DVC gives bytes: md5 for DVC 3 (`files/md5/ab/…`), md5-dos2unix for DVC 2 (`ab/…`).
 */
export const md5Of = (b: Buffer | string) => createHash('md5').update(b).digest('hex');

export function dos2unixMd5Of(b: Buffer): string {
  const h = createHash('md5');
  const hasher = new FileHasher({ update: (d) => void h.update(d), hex: () => h.digest('hex') }, 'md5-dos2unix');
  hasher.push(b);
  return hasher.finish().md5;
}

export const v3Path = (md5: string, dir = false) => `files/md5/${md5.slice(0, 2)}/${md5.slice(2)}${dir ? '.dir' : ''}`;
export const v2Path = (md5: string) => `${md5.slice(0, 2)}/${md5.slice(2)}`;

export async function putObject(
  baseUrl: string,
  auth: string,
  repo: string,
  objectPath: string,
  body: Buffer | string,
): Promise<number> {
  const res = await fetch(`${baseUrl}/${repo}.dvc/${objectPath}`, {
    method: 'PUT',
    headers: { Authorization: auth },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  await res.arrayBuffer();
  return res.status;
}

export const basicAuth = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
