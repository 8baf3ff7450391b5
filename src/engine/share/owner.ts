/**
 * Who may publish, pause, extend or revoke a share on a hub: whoever holds the owner token, a one-way HMAC of the
 * link key (so it opens nothing, and only someone who had the key could have made it). The hub stores only its
 * SHA-256 and compares in constant time; the owner keeps the token beside the share (meta.json, never served).
 */
import crypto from 'node:crypto';

const OWNER_LABEL = 'warp share owner v1';

/** The owner token of the share with this link key (base64url, 32 bytes). */
export function ownerToken(linkKey: Uint8Array): string {
  return crypto.createHmac('sha256', linkKey).update(OWNER_LABEL).digest('base64url');
}

/** What a hub keeps of a token. */
export function ownerTokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** Whether `token` is the one whose hash the hub keeps (constant time). */
export function ownerTokenMatches(token: string | undefined, hash: string): boolean {
  if (!token || !/^[0-9a-f]{64}$/.test(hash)) return false;
  return crypto.timingSafeEqual(Buffer.from(ownerTokenHash(token), 'hex'), Buffer.from(hash, 'hex'));
}
