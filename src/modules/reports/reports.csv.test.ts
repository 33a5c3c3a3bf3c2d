import { describe, expect, it } from 'vitest';
import { BraidError } from '../../core/index.ts';
import { mapExperimentRows, parseCsvRecords, validateMapping } from './reports.csv.ts';

describe('parseCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, and a BOM', () => {
    const text = '\ufeffa,b,c\r\n1,"x, y",3\r\n2,"say ""hi""","multi\nline"\n\n4,,6';
    expect(parseCsvRecords(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', 'x, y', '3'] },
      { line: 3, fields: ['2', 'say "hi"', 'multi\nline'] },
      { line: 6, fields: ['4', '', '6'] },
    ]);
  });
  it('detects tab-separated files from the header', () => {
    expect(parseCsvRecords('a\tb\n1,5\t2\n')).toEqual([{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['1,5', '2'] }]);
  });
});

describe('mapExperimentRows', () => {
  const csv = 'id,segment,visit,spend,history,channel\nu1,A,1,10.5,100,Web\nu2,B,0,0,,Phone\nu3,A,true,2,50,Web\nu4,,1,1,1,Web\nu5,B,x,1,1,Web\nu6,B,1\n';
  it('maps arms, outcomes (true → 1) and covariates (number, text, empty → null); reports bad rows by line', () => {
    const m = mapExperimentRows(csv, { name: 't', arm: 'segment', unit: 'id', outcomes: ['visit', 'spend'], covariates: ['history', 'channel'] });
    expect(m.records).toBe(6);
    expect(m.rows).toEqual([
      { unitId: 'u1', arm: 'A', outcomes: [1, 10.5], covariates: { history: 100, channel: 'Web' } },
      { unitId: 'u2', arm: 'B', outcomes: [0, 0], covariates: { history: null, channel: 'Phone' } },
      { unitId: 'u3', arm: 'A', outcomes: [1, 2], covariates: { history: 50, channel: 'Web' } },
    ]);
    expect(m.errors).toEqual([
      { line: 5, field: 'segment', message: 'arm is empty' },
      { line: 6, field: 'visit', message: 'is not a number: "x"' },
      { line: 7, field: '*', message: 'has 3 fields, the header 6' },
    ]);
  });
  it('numbers units by data row when there is no unit column, continuing from firstUnit', () => {
    const m = mapExperimentRows('arm,y\nA,1\nB,0\n', { name: 't', arm: 'arm', outcomes: ['y'] }, 101);
    expect(m.rows.map((r) => r.unitId)).toEqual(['#101', '#102']);
  });
  it('fails the whole import, naming the field, when a mapped column is missing', () => {
    try {
      mapExperimentRows('arm,y\nA,1\n', { name: 't', arm: 'arm', outcomes: ['y', 'spend'] });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BraidError);
      expect((e as BraidError).details.field).toBe('outcomes[1]');
    }
  });
});

describe('validateMapping', () => {
  const field = (f: () => void) => { try { f(); return undefined; } catch (e) { return (e as BraidError).details.field; } };
  it('names the offending field', () => {
    expect(field(() => validateMapping({ name: '', arm: 'a', outcomes: ['y'] }))).toBe('name');
    expect(field(() => validateMapping({ name: 'n', arm: 'a', outcomes: [] }))).toBe('outcomes');
    expect(field(() => validateMapping({ name: 'n', arm: 'a', outcomes: ['y', 'y'] }))).toBe('outcomes[1]');
    expect(field(() => validateMapping({ name: 'n', arm: 'a', outcomes: ['y'], covariates: ['a'] }))).toBe('covariates[0]');
    expect(field(() => validateMapping({ name: 'n', arm: 'a', outcomes: ['y'], ratios: { aov: ['y', 'z'] } }))).toBe('ratios.aov');
    expect(field(() => validateMapping({ name: 'n', arm: 'a', outcomes: ['y'], weights: { A: 0 } }))).toBe('weights.A');
    expect(field(() => validateMapping({ name: 'n', arm: 'a', outcomes: ['y'], covariates: ['x'], ratios: { r: ['y', 'y'] } }))).toBeUndefined();
  });
});
