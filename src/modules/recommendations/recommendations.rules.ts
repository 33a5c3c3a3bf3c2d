/**
 * Association rules (Apriori, Agrawal & Srikant 1994) with support, confidence and lift, with the
 * semantics of R's arules::apriori so published rule counts can be reproduced:
 *  - support(X) = share of transactions containing X; an itemset is frequent when support >= minSupport;
 *  - rules are X => {y} with a single-item consequent, for every frequent itemset I = X u {y};
 *  - confidence = support(I) / support(X); lift = confidence / support({y});
 *  - minLen / maxLen bound |I| (the items in the whole rule), so minLen 2 excludes {} => {y}.
 * Candidates are generated level by level (join + prune) and counted by intersecting the parents'
 * transaction bitsets. Pure: no I/O.
 */

export interface AssociationRule {
  lhs: string[];
  rhs: string;
  support: number;
  confidence: number;
  lift: number;
  /** Transactions containing lhs and rhs. */
  count: number;
}

export interface RuleOptions {
  minSupport: number;
  minConfidence: number;
  minLen: number;
  maxLen: number;
}

export const DEFAULT_RULES: RuleOptions = { minSupport: 0.006, minConfidence: 0.25, minLen: 2, maxLen: 10 };

interface Frequent { items: number[]; bits: Uint32Array; count: number }

export function mineAssociationRules(transactions: readonly (readonly string[])[], opts: Partial<RuleOptions> = {}): AssociationRule[] {
  const o = { ...DEFAULT_RULES, ...opts };
  const nTx = transactions.length;
  if (nTx === 0) return [];
  const words = Math.ceil(nTx / 32);
  const ids = new Map<string, number>();
  const names: string[] = [];
  const bitsOf: Uint32Array[] = [];
  transactions.forEach((t, ti) => {
    for (const item of t) {
      let i = ids.get(item);
      if (i === undefined) { i = names.length; ids.set(item, i); names.push(item); bitsOf.push(new Uint32Array(words)); }
      bitsOf[i]![ti >>> 5]! |= 1 << (ti & 31);
    }
  });
  // arules compares support >= minSupport as a fraction; a count threshold is its exact equivalent
  const minCount = Math.ceil(o.minSupport * nTx - 1e-9);

  const supportCount = new Map<string, number>();
  let level: Frequent[] = [];
  for (let i = 0; i < names.length; i++) {
    const count = popcount(bitsOf[i]!);
    if (count >= minCount) level.push({ items: [i], bits: bitsOf[i]!, count });
  }
  level.sort((a, b) => a.items[0]! - b.items[0]!);
  const all: Frequent[] = [];
  for (let size = 1; level.length > 0 && size <= o.maxLen; size++) {
    for (const f of level) { supportCount.set(f.items.join(','), f.count); all.push(f); }
    if (size === o.maxLen) break;
    level = nextLevel(level, minCount, supportCount);
  }

  const rules: AssociationRule[] = [];
  for (const f of all) {
    if (f.items.length < o.minLen) continue;
    for (const y of f.items) {
      const lhs = f.items.filter((x) => x !== y);
      const lhsCount = lhs.length === 0 ? nTx : supportCount.get(lhs.join(','))!;
      const confidence = f.count / lhsCount;
      if (confidence < o.minConfidence) continue;
      const ySupport = supportCount.get(String(y))! / nTx;
      rules.push({ lhs: lhs.map((i) => names[i]!), rhs: names[y]!, support: f.count / nTx, confidence, lift: confidence / ySupport, count: f.count });
    }
  }
  return rules.sort((a, b) => b.lift - a.lift || b.support - a.support);
}

/** Joins itemsets sharing all but the last item, prunes candidates with an infrequent subset, counts. */
function nextLevel(level: Frequent[], minCount: number, frequent: Map<string, number>): Frequent[] {
  const out: Frequent[] = [];
  for (let a = 0; a < level.length; a++) {
    const A = level[a]!;
    for (let b = a + 1; b < level.length; b++) {
      const B = level[b]!;
      if (!samePrefix(A.items, B.items)) break; // level is sorted, so no later B shares A's prefix
      const items = [...A.items, B.items[B.items.length - 1]!];
      if (!allSubsetsFrequent(items, frequent)) continue;
      const bits = new Uint32Array(A.bits.length);
      for (let w = 0; w < bits.length; w++) bits[w] = A.bits[w]! & B.bits[w]!;
      const count = popcount(bits);
      if (count >= minCount) out.push({ items, bits, count });
    }
  }
  return out;
}

function samePrefix(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length - 1; i++) if (a[i] !== b[i]) return false;
  return true;
}

function allSubsetsFrequent(items: number[], frequent: Map<string, number>): boolean {
  if (items.length <= 2) return true; // both (k-1)-subsets are the joined parents
  for (let drop = 0; drop < items.length - 2; drop++) {
    if (!frequent.has(items.filter((_, i) => i !== drop).join(','))) return false;
  }
  return true;
}

function popcount(bits: Uint32Array): number {
  let c = 0;
  for (let w = 0; w < bits.length; w++) {
    let v = bits[w]!;
    v = v - ((v >>> 1) & 0x55555555);
    v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
    c += (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
  }
  return c;
}
