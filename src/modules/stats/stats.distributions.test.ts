/**
 * Reference values computed independently with SciPy 1.17.1 (scipy.stats.t.cdf/.sf/.ppf,
 * scipy.stats.norm.cdf/.sf/.ppf, scipy.stats.chi2.sf, scipy.special.betainc/gammaln/gammainc/
 * gammaincc), printed with repr() and pasted here; closed forms where noted.
 */
import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf, chiSquareSf, normalCdf, normalQuantile, normalSf, studentTCdf, studentTQuantile, studentTSf, studentTTwoSidedP,
} from './stats.distributions.ts';
import { erfc, logGamma, regularizedBeta, regularizedGammaPair } from './stats.special.ts';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

describe('special functions', () => {
  it('logGamma matches SciPy gammaln and the closed forms', () => {
    for (const [x, ref] of [[0.5, 0.5723649429247], [3, Math.log(2)], [10.5, 13.940625219403763], [100, 359.1342053695754]] as const) {
      expect(rel(logGamma(x), ref), String(x)).toBeLessThan(1e-13);
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
  });
  it('regularizedBeta matches closed forms and SciPy betainc', () => {
    // I_0.3(2,3) = sum_{j=2..4} C(4,j) .3^j .7^(4-j) = 0.3483 (hand-computed).
    expect(regularizedBeta(0.3, 2, 3)).toBeCloseTo(0.3483, 14);
    // I_x(1/2,1/2) = (2/π) asin(√x).
    expect(regularizedBeta(0.9, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(0.9)), 14);
    expect(rel(regularizedBeta(0.1, 1.5, 40), 0.9629467614823564)).toBeLessThan(1e-12);
    expect(regularizedBeta(0, 2, 2)).toBe(0);
    expect(regularizedBeta(1, 2, 2)).toBe(1);
    expect(() => regularizedBeta(0.5, 0, 1)).toThrow(RangeError);
  });
  it('regularized gamma P and Q match SciPy gammainc/gammaincc', () => {
    for (const [a, x, p, q] of [[0.5, 0.2, 0.47291074313446196, 0.5270892568655381], [3, 2.5, 0.45618688411667035, 0.5438131158833297], [10, 20, 0.9950045876916924, 0.0049954123083075785]] as const) {
      const g = regularizedGammaPair(a, x);
      expect(rel(g.lower, p)).toBeLessThan(1e-12);
      expect(rel(g.upper, q)).toBeLessThan(1e-12);
    }
    expect(erfc(0)).toBeCloseTo(1, 15);
  });
});

describe('normal distribution', () => {
  it('CDF and survival match SciPy in the centre and both tails', () => {
    const cases: Array<[number, number, number]> = [
      [-10, 7.61985302416047e-24, 1], [-3, 0.0013498980316300933, 0.9986501019683699], [-1.5, 0.06680720126885807, 0.9331927987311419],
      [0, 0.5, 0.5], [0.3, 0.6179114221889526, 0.3820885778110474], [2, 0.9772498680518208, 0.022750131948179195], [8.5, 1, 9.47953482220325e-18],
    ];
    for (const [x, cdf, sf] of cases) {
      expect(rel(normalCdf(x), cdf), `cdf ${x}`).toBeLessThan(1e-12);
      expect(rel(normalSf(x), sf), `sf ${x}`).toBeLessThan(1e-12);
    }
  });
  it('quantile matches SciPy to ~1e-15 and inverts the CDF', () => {
    const cases: Array<[number, number]> = [
      [1e-12, -7.034483825301131], [0.001, -3.090232306167813], [0.025, -1.9599639845400545], [0.3, -0.5244005127080409],
      [0.5, 0], [0.975, 1.959963984540054], [0.999999, 4.753424308817087],
    ];
    for (const [p, x] of cases) expect(Math.abs(normalQuantile(p) - x), String(p)).toBeLessThan(1e-13 * Math.max(1, Math.abs(x)));
    for (const p of [0.01, 0.2, 0.7, 0.9999]) expect(normalCdf(normalQuantile(p))).toBeCloseTo(p, 14);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});

describe('Student t distribution', () => {
  it('CDF and survival match SciPy, including fractional (Welch) and huge df', () => {
    const cases: Array<[number, number, number, number]> = [
      [0.5, 1, 0.6475836176504333, 0.35241638234956674],
      [1.96, 3.5, 0.9341887134936371, 0.0658112865063629],
      [-2.5, 10, 0.01572342211830441, 0.9842765778816955],
      [3.0, 40593.688228635794, 0.998649283017746, 0.0013507169822539343],
      [12.0, 5, 0.9999645525374142, 3.544746258580761e-05],
      [0.01, 30, 0.5039562537134111, 0.49604374628658887],
      [-40, 3, 1.7190340394579253e-05, 0.9999828096596054],
      [2.0, 1e6, 0.9772497330743404, 0.02275026692565962],
    ];
    for (const [t, df, cdf, sf] of cases) {
      expect(rel(studentTCdf(t, df), cdf), `cdf ${t},${df}`).toBeLessThan(1e-10);
      expect(rel(studentTSf(t, df), sf), `sf ${t},${df}`).toBeLessThan(1e-10);
    }
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π.
    expect(studentTCdf(0.5, 1)).toBeCloseTo(0.5 + Math.atan(0.5) / Math.PI, 15);
    expect(studentTTwoSidedP(-2.5, 10)).toBeCloseTo(2 * 0.01572342211830441, 14);
  });
  it('quantile matches SciPy ppf to 1e-10 relative', () => {
    const cases: Array<[number, number, number]> = [
      [0.975, 1, 12.706204736174694], [0.975, 2, 4.302652729749462], [0.975, 3.5, 2.9400886379827282],
      [0.975, 40593.688228635794, 1.9600224256639291], [0.025, 10, -2.2281388519862753], [0.999999, 7, 14.241469651921154],
      [1e-10, 4, -416.1751403296041], [0.6, 15, 0.25788530093726125], [0.975, 1.5, 6.016663104427929],
    ];
    for (const [p, df, x] of cases) expect(rel(studentTQuantile(p, df), x), `${p},${df}`).toBeLessThan(1e-10);
    expect(studentTQuantile(0.5, 7)).toBe(0);
  });
});

describe('chi-square distribution', () => {
  it('survival matches SciPy chi2.sf and the closed form for 2 df', () => {
    for (const [x, df, sf] of [[3.84, 1, 0.05004352124870519], [10, 5, 0.07523524614651217], [100, 50, 3.454931382984871e-05], [0.001, 3, 0.9999915920809419]] as const) {
      expect(rel(chiSquareSf(x, df), sf), `${x},${df}`).toBeLessThan(1e-11);
    }
    expect(chiSquareSf(0.5, 2)).toBeCloseTo(Math.exp(-0.25), 15);
    expect(chiSquareCdf(0.5, 2) + chiSquareSf(0.5, 2)).toBeCloseTo(1, 15);
  });
});
