import fs from 'node:fs';
import path from 'node:path';
import { serialiseDirManifest } from '../../packages/core/src/index.ts';
import { basicAuth, dos2unixMd5Of, md5Of, putObject, v2Path, v3Path } from './dvc-upload.ts';
import { runGit } from './git-cli.ts';

/**
 * A small DVC project pushed to a real server as a person would: objects of both layouts and a
 * directory (`.dir` manifest + entries) through the DVC remote, then a commit with the `.dvc`
 * pointers through `git push`. The operator-command tests (fsck, gc, backup) start from it.
 */
export interface PushedProject {
  repo: string;
  /** DVC 3 object of `data.csv`. */
  csv: { md5: string; bytes: Buffer };
  /** DVC 2 (md5-dos2unix) object of `legacy.txt`, with CRLF line ends. */
  legacy: { md5: string; bytes: Buffer };
  /** `images/`: the manifest and its two entries. */
  dir: { md5: string; entries: Array<{ md5: string; relpath: string; bytes: Buffer }> };
  /** The working clone (with credentials in its remote URL). */
  clone: string;
}

export async function pushProject(
  baseUrl: string,
  user: string,
  token: string,
  repo: string,
  work: string,
  seed = repo,
): Promise<PushedProject> {
  const auth = basicAuth(user, token);
  const csvBytes = Buffer.from(`id,value,seed\n1,0.5,${seed}\n2,0.25,${seed}\n`);
  const legacyBytes = Buffer.from(`legacy notes ${seed}\r\nsecond line\r\n`);
  const entries = ['a.png', 'b.png'].map((relpath) => {
    const bytes = Buffer.from(`${relpath} of ${seed} `.repeat(200));
    return { md5: md5Of(bytes), relpath, bytes };
  });
  const manifest = serialiseDirManifest(entries.map(({ md5, relpath }) => ({ md5, relpath })));
  const dirMd5 = md5Of(manifest);
  const csv = { md5: md5Of(csvBytes), bytes: csvBytes };
  const legacy = { md5: dos2unixMd5Of(legacyBytes), bytes: legacyBytes };
  const statuses = [
    await putObject(baseUrl, auth, repo, v3Path(csv.md5), csv.bytes),
    await putObject(baseUrl, auth, repo, v2Path(legacy.md5), legacy.bytes),
    ...(await Promise.all(entries.map((e) => putObject(baseUrl, auth, repo, v3Path(e.md5), e.bytes)))),
    await putObject(baseUrl, auth, repo, v3Path(dirMd5, true), manifest),
  ];
  if (statuses.some((s) => s !== 200)) throw new Error(`DVC uploads answered ${statuses.join(', ')}`);

  const clone = path.join(work, `clone-${repo.replace('/', '-')}`);
  const url = `${baseUrl.replace('http://', `http://${user}:${encodeURIComponent(token)}@`)}/${repo}.git`;
  const git = async (args: string[]) => {
    const r = await runGit(args, { home: work, cwd: clone });
    if (r.code !== 0) throw new Error(`git ${args.join(' ')}: ${r.out}`);
    return r.stdout;
  };
  fs.mkdirSync(clone, { recursive: true });
  await git(['init', '-q', '-b', 'main']);
  fs.writeFileSync(
    path.join(clone, 'data.csv.dvc'),
    `outs:\n- md5: ${csv.md5}\n  size: ${csv.bytes.length}\n  hash: md5\n  path: data.csv\n`,
  );
  fs.writeFileSync(
    path.join(clone, 'legacy.txt.dvc'),
    `outs:\n- md5: ${legacy.md5}\n  size: ${legacy.bytes.length}\n  path: legacy.txt\n`,
  );
  const dirSize = entries.reduce((n, e) => n + e.bytes.length, 0);
  fs.writeFileSync(
    path.join(clone, 'images.dvc'),
    `outs:\n- md5: ${dirMd5}.dir\n  size: ${dirSize}\n  nfiles: 2\n  hash: md5\n  path: images\n`,
  );
  fs.writeFileSync(path.join(clone, 'README.md'), `# ${seed}\n`);
  await git(['add', '.']);
  await git(['commit', '-q', '-m', 'data']);
  await git(['push', '-q', url, 'main']);
  await git(['remote', 'add', 'origin', url]);
  return { repo, csv, legacy, dir: { md5: dirMd5, entries }, clone };
}
