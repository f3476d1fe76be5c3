import { randomBytes } from 'node:crypto';
import type { Clock } from './clock.ts';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford base32: no I, L, O, U

/**
 * A ULID-style id: 10 characters of time then 16 of randomness, so ids sort by
 * creation time and never collide in practice. Safe inside table keys.
 */
export function newId(clock: Clock): string {
  let time = clock.now().getTime();
  let head = '';
  for (let i = 0; i < 10; i += 1) {
    head = ALPHABET[time % 32]! + head;
    time = Math.floor(time / 32);
  }
  const random = randomBytes(16);
  let tail = '';
  for (const byte of random) tail += ALPHABET[byte % 32];
  return head + tail;
}
