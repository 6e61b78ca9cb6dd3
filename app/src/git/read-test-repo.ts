/**
 * A small repository made with isomorphic-git on lightning-fs (fake-indexeddb in Node), for the
 * read-side tests: two branches, a lightweight and an annotated tag, nested folders, a
 * `.dvc` pointer, and a commit that changes, adds and deletes files.
 */
import LightningFS from '@isomorphic-git/lightning-fs';
import git from 'isomorphic-git';

export interface TestRepo {
  fs: LightningFS;
  dir: string;
  commits: { first: string; second: string; third: string; feature: string };
}

const author = { name: 'Ada', email: 'ada@example.org' };

export async function makeTestRepo(name = `read-test-${Math.random().toString(36).slice(2)}`): Promise<TestRepo> {
  const fs = new LightningFS(name, { wipe: true });
  const pfs = fs.promises;
  const dir = '/repo';
  await pfs.mkdir(dir);
  await git.init({ fs, dir, defaultBranch: 'main' });
  const write = async (path: string, text: string) => {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      await pfs.mkdir(`${dir}/${parts.slice(0, i).join('/')}`).catch(() => {});
    }
    await pfs.writeFile(`${dir}/${path}`, text, 'utf8');
    await git.add({ fs, dir, filepath: path });
  };
  const commit = (message: string, timestamp: number) =>
    git.commit({ fs, dir, message, author: { ...author, timestamp, timezoneOffset: 0 } });

  await write('README.md', '# Demo\n\nHello.\n');
  await write('src/train.py', 'print("train")\n');
  await write('src/lib/util.py', 'X = 1\n');
  await write(
    'data/raw.dvc',
    'outs:\n- md5: 0123456789abcdef0123456789abcdef.dir\n  size: 30\n  nfiles: 2\n  hash: md5\n  path: raw\n',
  );
  const first = await commit('Initial commit\n\nWith a body.', 1_700_000_000);
  await git.tag({ fs, dir, ref: 'v1' });

  await write('src/train.py', 'print("train v2")\n');
  await write('notes.txt', 'notes\n');
  await git.remove({ fs, dir, filepath: 'src/lib/util.py' });
  await pfs.unlink(`${dir}/src/lib/util.py`);
  const second = await commit('Second: change train, add notes, drop util', 1_700_000_100);
  await git.annotatedTag({
    fs,
    dir,
    ref: 'v2',
    message: 'release 2',
    tagger: { ...author, timestamp: 1_700_000_150, timezoneOffset: 0 },
  });

  await write('metrics.json', '{"acc": 0.9}\n');
  const third = await commit('Third', 1_700_000_200);

  await git.branch({ fs, dir, ref: 'feature/x', object: first });
  await git.checkout({ fs, dir, ref: 'feature/x' });
  await write('feature.txt', 'f\n');
  const feature = await commit('Feature work', 1_700_000_300);
  await git.checkout({ fs, dir, ref: 'main' });
  return { fs, dir, commits: { first, second, third, feature } };
}
