/**
 * Names of users. Names are data, never paths: they appear in URLs as owners, so each must match
 * a strict pattern before any use. Owner and repository names in general follow core's rule
 * (@cairn/core/names); a user name is narrower still.
 */

/** User names: letters, digits, `_`, `-`, up to 39 characters (GitHub's limit). */
const USER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,38})$/;

export function isValidUsername(name: string): boolean {
  // `api`, `yjs` and `healthz` begin server paths of their own, so nobody may own them.
  return USER_NAME.test(name) && !RESERVED_OWNERS.has(name.toLowerCase());
}

const RESERVED_OWNERS = new Set(['api', 'yjs', 'healthz', 'assets', 'static', 'sw.js', 'manifest']);
