import { describe, expect, it } from 'vitest';
import { checkSmsLength, countSmsSegments, isGsm7 } from './index.ts';

describe('SMS segments by encoding', () => {
  it('counts GSM-7: 160 single, 153 per concatenated segment', () => {
    expect(countSmsSegments('')).toMatchObject({ segments: 0 });
    expect(countSmsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1, characters: 160 });
    expect(countSmsSegments('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(countSmsSegments('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(countSmsSegments('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(isGsm7('Grüße aus Köln, £5 @ 10:00 é à ñ')).toBe(true);
  });

  it('counts extension characters (€ [ ] { } ^ ~ | \\) as two septets, never split across segments', () => {
    expect(countSmsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1, characters: 80 });
    expect(countSmsSegments('€'.repeat(81))).toMatchObject({ units: 162, segments: 2 });
    expect(countSmsSegments('a'.repeat(159) + '€')).toMatchObject({ units: 161, segments: 2 });
    // 152 septets then an escape pair: the pair moves whole to segment 2 (153 + 153 + 1 would otherwise fit in 2)
    expect(countSmsSegments('a'.repeat(152) + '€' + 'a'.repeat(152))).toMatchObject({ units: 306, segments: 3 });
  });

  it('switches to UCS-2 for any other character: 70 single, 67 concatenated', () => {
    expect(countSmsSegments('ж'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1, characters: 70 });
    expect(countSmsSegments('ж'.repeat(71))).toMatchObject({ segments: 2 });
    expect(countSmsSegments('ж'.repeat(134))).toMatchObject({ segments: 2 });
    expect(countSmsSegments('ж'.repeat(135))).toMatchObject({ segments: 3 });
    expect(countSmsSegments('Hello ’quoted’')).toMatchObject({ encoding: 'UCS-2' });
    expect(countSmsSegments('😀'.repeat(35))).toMatchObject({ encoding: 'UCS-2', units: 70, segments: 1, characters: 35 });
  });

  it('fails above the maximum segments, naming the encoding and the culprit characters', () => {
    expect(checkSmsLength('a'.repeat(306), 2).reasons).toEqual([]);
    const gsm = checkSmsLength('a'.repeat(307), 2);
    expect(gsm.reasons).toEqual([{ rule: 'sms_length', field: 'body', message: 'is 3 segments (307 GSM-7 units), more than the 2 allowed' }]);
    const ucs = checkSmsLength('Sale ✨ ' + 'a'.repeat(130), 2);
    expect(ucs.info).toMatchObject({ encoding: 'UCS-2', segments: 3 });
    expect(ucs.reasons[0]!.message).toContain('UCS-2 because of "✨"');
    expect(checkSmsLength('a'.repeat(161), 1).reasons).toHaveLength(1);
  });
});
