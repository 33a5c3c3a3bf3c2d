/**
 * The stored form of a decision, written at decision rate, so compact and cheap to build:
 *
 *   {"result": <the response, as sent>, "f": [shared features], "c": [key, value, p, margin, giveaway, key, …],
 *    "ctx": <request context>, "l": [[arm, key, offset, propensity, x12..x16], …]}
 *
 * `f` holds the features every candidate shares; a chosen arm's vector is `f` with its own five
 * slots (12-16) from `l`. `decodeRecord` turns it back into the readable explanation.
 */
import { DIM, FEATURES, namedFeatures } from './decisioning.features.ts';
import type { DecisionResult } from './decisioning.types.ts';

const OWN_FROM = 12, OWN_TO = 17;
const r4 = (n: number) => Math.round(n * 1e4) / 1e4;

export interface RecordInput {
  json: string;
  shared: Float64Array;
  /** Flat candidate table: key, expected contribution, P(convert), basket margin, giveaway. */
  table: Array<string | number>;
  context: unknown;
  learn: ReadonlyArray<{ arm: string; key: string; offset: number; propensity: number; x: Float64Array }>;
}

export function encodeRecord(r: RecordInput): string {
  const f: number[] = new Array<number>(DIM);
  for (let i = 0; i < DIM; i++) f[i] = r4(r.shared[i]!);
  const l = r.learn.map((x) => {
    const row: Array<string | number> = [x.arm, x.key, r4(x.offset), x.propensity];
    for (let i = OWN_FROM; i < OWN_TO; i++) row.push(r4(x.x[i]!));
    return row;
  });
  return `{"result":${r.json},"f":${JSON.stringify(f)},"c":${JSON.stringify(r.table)},"ctx":${JSON.stringify(r.context ?? {})},"l":${JSON.stringify(l)}}`;
}

export interface DecodedRecord {
  result: DecisionResult;
  detail: { features: Record<string, number>; candidates: Array<[string, number, number, number, number]>; candidateColumns: string[]; context: unknown };
  learn: Array<{ arm: string; key: string; offset: number; propensity: number; x: number[] }>;
}

export function decodeRecord(text: string): DecodedRecord {
  const raw = JSON.parse(text) as { result: DecisionResult; f: number[]; c: Array<string | number>; ctx: unknown; l: Array<Array<string | number>> };
  const shared = Float64Array.from(raw.f);
  const candidates: DecodedRecord['detail']['candidates'] = [];
  for (let i = 0; i + 4 < raw.c.length; i += 5) candidates.push([raw.c[i] as string, raw.c[i + 1] as number, raw.c[i + 2] as number, raw.c[i + 3] as number, raw.c[i + 4] as number]);
  const learn = raw.l.map((row) => {
    const x = Array.from(shared);
    for (let i = OWN_FROM; i < OWN_TO; i++) x[i] = row[4 + i - OWN_FROM] as number;
    return { arm: row[0] as string, key: row[1] as string, offset: row[2] as number, propensity: row[3] as number, x };
  });
  return {
    result: raw.result,
    detail: { features: namedFeatures(shared), candidates, candidateColumns: ['key', 'expectedContribution', 'pConversion', 'basketMargin', 'giveaway'], context: raw.ctx },
    learn,
  };
}

export { FEATURES };
