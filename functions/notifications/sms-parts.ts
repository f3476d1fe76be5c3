/**
 * An SMS measured in the units its channel bills (issue 14).
 *
 * Amazon SNS sends a text as GSM-7 when every character is in the GSM 03.38
 * alphabet (160 septets in one part; 153 per part once concatenated, the
 * user-data header takes the rest; `^{}\[~]|€` take two septets each), else as
 * UCS-2 (70 UTF-16 code units in one part, 67 per part concatenated; an emoji
 * is two). Any Korean text is UCS-2. A domestic Korean carrier (문자 API
 * providers) counts 90 EUC-KR bytes per SMS instead: that rule is the second
 * channel below, for a domestic provider behind the same SMS port.
 */

export type SmsEncoding = 'GSM-7' | 'UCS-2' | 'EUC-KR';

export interface SmsSize {
  readonly encoding: SmsEncoding;
  /** Septets (GSM-7), UTF-16 code units (UCS-2) or bytes (EUC-KR). */
  readonly units: number;
  /** Billed parts: 1 when it fits one message, else the concatenated count. */
  readonly parts: number;
  /** How many units one part holds for this text (single-part limit). */
  readonly singlePartUnits: number;
}

/** How a channel measures a text, and what each character of it costs (for cutting names to fit). */
export interface SmsChannel {
  readonly name: string;
  measure(text: string): SmsSize;
  /** Units `char` costs in a text of this encoding. */
  unitsOf(char: string, encoding: SmsEncoding): number;
}

const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';
const GSM_BASIC_SET = new Set(GSM_BASIC);
const GSM_EXTENDED_SET = new Set(GSM_EXTENDED);

const isGsm7 = (text: string): boolean => [...text].every((char) => GSM_BASIC_SET.has(char) || GSM_EXTENDED_SET.has(char));

function parts(units: number, single: number, concatenated: number): number {
  return units <= single ? 1 : Math.ceil(units / concatenated);
}

/** Amazon SNS (and any GSM carrier): GSM-7 160/153, else UCS-2 70/67. */
export const snsSmsChannel: SmsChannel = {
  name: 'sns',
  unitsOf: (char, encoding) => (encoding === 'GSM-7' ? (GSM_EXTENDED_SET.has(char) ? 2 : 1) : char.length),
  measure(text) {
    if (isGsm7(text)) {
      const units = [...text].reduce((sum, char) => sum + (GSM_EXTENDED_SET.has(char) ? 2 : 1), 0);
      return { encoding: 'GSM-7', units, parts: parts(units, 160, 153), singlePartUnits: 160 };
    }
    // UTF-16 code units: a character outside the BMP (an emoji) is two.
    return { encoding: 'UCS-2', units: text.length, parts: parts(text.length, 70, 67), singlePartUnits: 70 };
  },
};

/** EUC-KR bytes: one for ASCII, two for anything else (Hangul, symbols). */
export function eucKrBytes(text: string): number {
  let bytes = 0;
  for (const char of text) bytes += char.charCodeAt(0) < 0x80 ? 1 : 2;
  return bytes;
}

/** A domestic Korean SMS provider: 90 EUC-KR bytes per SMS; longer is an LMS, billed as one long message (counted here as 2). */
export const domesticSmsChannel: SmsChannel = {
  name: 'domestic',
  unitsOf: (char) => eucKrBytes(char),
  measure(text) {
    const units = eucKrBytes(text);
    return { encoding: 'EUC-KR', units, parts: units <= 90 ? 1 : 2, singlePartUnits: 90 };
  },
};

const ELLIPSIS = '…';

/** Cuts `text` to at most `maxUnits` of `channel`'s units in `encoding`, on a character boundary, marking the cut with an ellipsis. */
export function truncateToUnits(text: string, maxUnits: number, channel: SmsChannel, encoding: SmsEncoding): string {
  const cost = (value: string) => [...value].reduce((sum, char) => sum + channel.unitsOf(char, encoding), 0);
  if (cost(text) <= maxUnits) return text;
  const room = maxUnits - cost(ELLIPSIS);
  if (room <= 0) return '';
  let kept = '';
  let used = 0;
  for (const char of text) {
    const size = channel.unitsOf(char, encoding);
    if (used + size > room) break;
    kept += char;
    used += size;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}
