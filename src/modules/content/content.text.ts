/**
 * Text helpers shared by QA: visible text of HTML, links in HTML and plain text, stated money
 * amounts and stated discounts, parsed from the forms Intl and copywriters produce
 * ("$12.99", "US$1,299.00", "€12,99", "12,99 €", "1.299,00 €", "20% off", "$5 off", "-20 %").
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', euro: '€', pound: '£', yen: '¥', copy: '©', reg: '®' };

export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** What a reader sees: tags removed, entities decoded, whitespace collapsed. */
export function visibleText(html: string): string {
  return decodeEntities(html
    .replace(/<(style|script|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|h\d|li|tr|td|table)>/gi, ' \n')
    .replace(/<[^>]*>/g, ' '))
    .replace(/[ \t\r\f\v]+/g, ' ').replace(/\s*\n\s*/g, '\n').trim();
}

export const normalizeSpace = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

export function linksInHtml(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/\b(?:href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) out.push(decodeEntities((m[1] ?? m[2] ?? '').trim()));
  return out;
}

export function linksInText(text: string): string[] {
  return [...text.matchAll(/\bhttps?:\/\/[^\s<>"'\])]+/gi)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
}

/** Whether a URL's host is one of `hosts` or a subdomain of one. */
export function hostAllowed(host: string, hosts: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return hosts.some((d) => h === d || h.endsWith('.' + d));
}

/** Symbols and codes, with the currencies each may mean. */
const SYMBOLS: Record<string, string[]> = {
  'US$': ['USD'], 'CA$': ['CAD'], 'A$': ['AUD'], 'AU$': ['AUD'], 'NZ$': ['NZD'], 'HK$': ['HKD'], 'S$': ['SGD'], 'MX$': ['MXN'],
  '$': ['USD', 'CAD', 'AUD', 'NZD', 'HKD', 'SGD', 'MXN'], '€': ['EUR'], '£': ['GBP'], '¥': ['JPY', 'CNY'], '₹': ['INR'],
  'kr': ['SEK', 'NOK', 'DKK', 'ISK'], 'zł': ['PLN'], 'Fr.': ['CHF'],
};
const CODES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'NZD', 'JPY', 'CHF', 'SEK', 'NOK', 'DKK', 'PLN', 'INR', 'CNY', 'HKD', 'SGD', 'MXN', 'BRL', 'CZK'];
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const SYM = [...Object.keys(SYMBOLS), ...CODES].sort((a, b) => b.length - a.length).map(esc).join('|');
const NUM = '\\d{1,3}(?:[.,\\u00a0\\u202f\\u2009]\\d{3})+(?:[.,]\\d{1,2})?|\\d+(?:[.,]\\d{1,2})?';
const PREFIX = new RegExp(`(?<![\\p{L}\\p{N}$])(${SYM})\\s?(${NUM})(?!\\d)`, 'gu');
const SUFFIX = new RegExp(`(?<![\\d.,])(${NUM})\\s?(${SYM})(?![\\p{L}])`, 'gu');
const DISCOUNT_AFTER = /^\s*(off|discount|rabatt|de réduction|de descuento|di sconto)(?![\p{L}])/iu;
const DISCOUNT_BEFORE = /(save|spare|sparen|économisez|ahorra|ahorre)\s+(up to\s+)?$/iu;

export interface StatedAmount { raw: string; amount: number; currencies: string[]; discount: boolean; index: number }

/** "1.299,00" → 1299, "12,99" → 12.99, "1,299" → 1299: a last separator before 1-2 digits is the decimal mark. */
export function parseAmount(num: string): number {
  const s = num.replace(/[\u00a0\u202f\u2009 ]/g, '');
  const m = /[.,](\d{1,2})$/.exec(s);
  if (m) return Number(s.slice(0, m.index).replace(/[.,]/g, '') + '.' + m[1]);
  return Number(s.replace(/[.,]/g, ''));
}

const currenciesOf = (sym: string) => SYMBOLS[sym] ?? [sym.toUpperCase()];

/** Every money amount stated in `text`; `discount` when it reads as an amount off ("$5 off", "save €5"). */
export function statedAmounts(raw: string): StatedAmount[] {
  // Links are not claims: a token in an unsubscribe URL ("…7kr…") is not a price. Blank them out
  // (same length, so indexes still point into the original text).
  const text = raw.replace(/\b(?:https?:\/\/|mailto:)\S+/gi, (u) => ' '.repeat(u.length));
  const out: StatedAmount[] = [];
  const taken: Array<[number, number]> = [];
  const add = (m: RegExpExecArray, sym: string, num: string) => {
    const start = m.index, end = m.index + m[0].length;
    if (taken.some(([a, b]) => start < b && end > a)) return;
    taken.push([start, end]);
    const discount = DISCOUNT_AFTER.test(text.slice(end, end + 20)) || DISCOUNT_BEFORE.test(text.slice(Math.max(0, start - 20), start));
    out.push({ raw: m[0], amount: parseAmount(num), currencies: currenciesOf(sym), discount, index: start });
  };
  for (const m of text.matchAll(PREFIX)) add(m, m[1]!, m[2]!);
  for (const m of text.matchAll(SUFFIX)) add(m, m[2]!, m[1]!);
  return out.sort((a, b) => a.index - b.index);
}

const PCT = '(\\d{1,3}(?:[.,]\\d+)?)\\s?%';
const PERCENT_PATTERNS = [
  new RegExp(`(?<![\\d.,])${PCT}\\s?(off|discount|rabatt|de réduction|de descuento|di sconto)(?![\\p{L}])`, 'giu'),
  new RegExp(`(?:save|spare|sparen|économisez|ahorra|ahorre)\\s+(?:up to\\s+)?${PCT}`, 'giu'),
  new RegExp(`(?<![\\p{L}\\p{N}])[-−]\\s?${PCT}`, 'giu'),
];

/** Every percentage stated as a discount ("20% off", "save 15%", "-20 %"). */
export function statedPercents(text: string): Array<{ raw: string; percent: number }> {
  const seen = new Set<number>();
  const out: Array<{ raw: string; percent: number }> = [];
  for (const re of PERCENT_PATTERNS) {
    for (const m of text.matchAll(re)) {
      if (seen.has(m.index)) continue;
      seen.add(m.index);
      out.push({ raw: m[0].trim(), percent: Number(m[1]!.replace(',', '.')) });
    }
  }
  return out;
}

/** Compiled once per phrase: QA runs every rule on every message sent. Not global (no lastIndex state). */
const phrases = new Map<string, RegExp>();

/** A whole-word, case-insensitive matcher for a phrase; "risk-free" also matches "risk free". */
export function phraseRegex(phrase: string): RegExp {
  let re = phrases.get(phrase);
  if (!re) {
    const body = phrase.trim().split(/[-\s]+/).map(esc).join('[-\\s]?');
    re = new RegExp(`(?<![\\p{L}\\p{N}])${body}(?![\\p{L}\\p{N}])`, 'iu');
    if (phrases.size >= 2000) phrases.clear();
    phrases.set(phrase, re);
  }
  return re;
}
