/**
 * SMS length by encoding (3GPP TS 23.038 / 23.040). A message whose every character is in the
 * GSM-7 default alphabet (or its extension table, 2 septets each: the escape plus the character)
 * is sent GSM-7: 160 septets in one segment, 153 per segment when concatenated (the 7-septet
 * user data header). Any other character forces UCS-2: 70 UTF-16 units single, 67 concatenated.
 * A character never straddles two segments (an escape pair or a surrogate pair moves whole to
 * the next segment), which is why long messages can take one segment more than length/153.
 */
import type { SmsInfo } from './content.types.ts';

const GSM7_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '^{}\\[~]|€\f';
const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

/** Units a character takes: septets under GSM-7, UTF-16 code units under UCS-2. */
function unitsOf(ch: string, gsm: boolean): number {
  if (gsm) return EXTENSION.has(ch) ? 2 : 1;
  return ch.length; // a code point outside the BMP (emoji) is a surrogate pair: 2 units
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

/** Encoding, total units, segment count and characters (code points) of an SMS body. */
export function countSmsSegments(text: string): SmsInfo {
  const gsm = isGsm7(text);
  const single = gsm ? 160 : 70, multi = gsm ? 153 : 67;
  const chars = [...text];
  let units = 0;
  for (const ch of chars) units += unitsOf(ch, gsm);
  if (units === 0) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units: 0, segments: 0, characters: 0 };
  if (units <= single) return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments: 1, characters: chars.length };
  let segments = 1, used = 0;
  for (const ch of chars) {
    const u = unitsOf(ch, gsm);
    if (used + u > multi) { segments++; used = 0; }
    used += u;
  }
  return { encoding: gsm ? 'GSM-7' : 'UCS-2', units, segments, characters: chars.length };
}

/** Characters that force UCS-2 (for a message telling the author what to replace). */
export function nonGsmCharacters(text: string): string[] {
  const out = new Set<string>();
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) out.add(ch);
  return [...out];
}
