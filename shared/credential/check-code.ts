/**
 * The check code: the verifier's nonce in a form a person can carry across (FORMAT.md §5.1).
 * A verifier that wants proof the code in front of it is being made now — not a screenshot
 * or a relayed picture made within the freshness window — shows six digits; the holder
 * types them on the QR screen, and the presentation carries their UTF-8 bytes as its nonce.
 */
import { utf8 } from '../bytes';

export const CHECK_CODE_DIGITS = 6;

/** Whether `text` is a check code: exactly six ASCII digits. */
export function isCheckCode(text: string): boolean {
  return /^[0-9]{6}$/.test(text);
}

/** The presentation nonce for a check code: its six digits in UTF-8 (6 bytes). */
export function checkCodeNonce(code: string): Uint8Array<ArrayBuffer> {
  if (!isCheckCode(code)) throw new RangeError('check code: expected six digits');
  return utf8(code);
}

/** A new check code: six uniformly random digits (rejection sampling, no modulo bias). */
export function newCheckCode(random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array<ArrayBuffer> = (b) => crypto.getRandomValues(b)): string {
  let out = '';
  while (out.length < CHECK_CODE_DIGITS) {
    for (const b of random(new Uint8Array(16))) if (b < 250 && out.length < CHECK_CODE_DIGITS) out += String(b % 10);
  }
  return out;
}
