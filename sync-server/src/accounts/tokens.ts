import { createHash, randomBytes } from 'node:crypto';

/**
 * Access tokens: 256 random bits, shown once, stored only as their SHA-256. The `cairn_` prefix
 * lets secret scanners recognise a leaked token.
 */
export function newToken(): string {
  return `cairn_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
