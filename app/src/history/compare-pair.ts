/**
 * The comparison two picked commits make: the older one is the base (as GitHub and GitLab
 * compare), whichever column it was picked in. `newestFirst` is the history as listed; a commit
 * not in it (picked on a page not loaded after a reload) keeps the column it was picked in.
 */
export type PickSide = 'base' | 'head';

export interface Picked {
  base: string | null;
  head: string | null;
}

export function comparePair(picked: Picked, newestFirst: readonly string[]): { base: string; head: string } | null {
  const { base, head } = picked;
  if (!base || !head || base === head) return null;
  const b = newestFirst.indexOf(base);
  const h = newestFirst.indexOf(head);
  // Listed newest first: a smaller index is newer. A base newer than the head swaps places.
  if (b >= 0 && h >= 0 && b < h) return { base: head, head: base };
  return { base, head };
}
