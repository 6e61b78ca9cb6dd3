/** Who commits: the signed-in account on this device, or a local placeholder. */
import { getDb } from '../storage/db.ts';

export interface GitAuthor {
  name: string;
  email: string;
}

const KEY = 'git.author';

export async function getAuthor(): Promise<GitAuthor> {
  const row = await getDb().settings.get(KEY);
  const value = row?.value as GitAuthor | undefined;
  return value ?? { name: 'Cairn user', email: 'user@cairn.local' };
}

export async function setAuthor(author: GitAuthor): Promise<void> {
  await getDb().settings.put({ key: KEY, value: author });
}
