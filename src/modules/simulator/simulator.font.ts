/**
 * A 5×7 bitmap font for the report's PNG (capitals, digits and the few signs its labels use;
 * lower case is drawn as capitals). Each glyph is seven rows, the row's five pixels as bits
 * (16 = leftmost). Unknown characters draw as a blank.
 */
const GLYPHS: Record<string, readonly number[]> = {
  A: [14, 17, 17, 31, 17, 17, 17], B: [30, 17, 17, 30, 17, 17, 30], C: [14, 17, 16, 16, 16, 17, 14], D: [30, 17, 17, 17, 17, 17, 30],
  E: [31, 16, 16, 30, 16, 16, 31], F: [31, 16, 16, 30, 16, 16, 16], G: [14, 17, 16, 23, 17, 17, 15], H: [17, 17, 17, 31, 17, 17, 17],
  I: [14, 4, 4, 4, 4, 4, 14], J: [7, 2, 2, 2, 2, 18, 12], K: [17, 18, 20, 24, 20, 18, 17], L: [16, 16, 16, 16, 16, 16, 31],
  M: [17, 27, 21, 21, 17, 17, 17], N: [17, 17, 25, 21, 19, 17, 17], O: [14, 17, 17, 17, 17, 17, 14], P: [30, 17, 17, 30, 16, 16, 16],
  Q: [14, 17, 17, 17, 21, 18, 13], R: [30, 17, 17, 30, 20, 18, 17], S: [15, 16, 16, 14, 1, 1, 30], T: [31, 4, 4, 4, 4, 4, 4],
  U: [17, 17, 17, 17, 17, 17, 14], V: [17, 17, 17, 17, 17, 10, 4], W: [17, 17, 17, 21, 21, 21, 10], X: [17, 17, 10, 4, 10, 17, 17],
  Y: [17, 17, 10, 4, 4, 4, 4], Z: [31, 1, 2, 4, 8, 16, 31],
  0: [14, 17, 19, 21, 25, 17, 14], 1: [4, 12, 4, 4, 4, 4, 14], 2: [14, 17, 1, 2, 4, 8, 31], 3: [31, 2, 4, 2, 1, 17, 14],
  4: [2, 6, 10, 18, 31, 2, 2], 5: [31, 16, 30, 1, 1, 17, 14], 6: [6, 8, 16, 30, 17, 17, 14], 7: [31, 1, 2, 4, 8, 8, 8],
  8: [14, 17, 17, 14, 17, 17, 14], 9: [14, 17, 17, 15, 1, 2, 12],
  ' ': [0, 0, 0, 0, 0, 0, 0], $: [4, 15, 20, 14, 5, 30, 4], ',': [0, 0, 0, 0, 12, 4, 8], '.': [0, 0, 0, 0, 0, 12, 12],
  '-': [0, 0, 0, 31, 0, 0, 0], '+': [0, 4, 4, 31, 4, 4, 0], '(': [2, 4, 8, 8, 8, 4, 2], ')': [8, 4, 2, 2, 2, 4, 8],
  "'": [4, 4, 8, 0, 0, 0, 0], '%': [24, 25, 2, 4, 8, 19, 3], ':': [0, 12, 12, 0, 12, 12, 0], '/': [0, 1, 2, 4, 8, 16, 0], '[': [14, 8, 8, 8, 8, 8, 14], ']': [14, 2, 2, 2, 2, 2, 14],
};

export const GLYPH_WIDTH = 5;
export const GLYPH_HEIGHT = 7;

/** The pixels of `text` at `scale` (each font pixel a scale × scale square), left to right with one column between glyphs. */
export function rasterizeText(text: string, scale = 1): { width: number; height: number; pixels: Array<[number, number]> } {
  const pixels: Array<[number, number]> = [];
  const chars = [...text.toUpperCase()];
  chars.forEach((ch, k) => {
    const rows = GLYPHS[ch] ?? GLYPHS[' ']!;
    rows.forEach((bits, y) => {
      for (let x = 0; x < GLYPH_WIDTH; x++) {
        if (!(bits & (16 >> x))) continue;
        for (let dy = 0; dy < scale; dy++) for (let dx = 0; dx < scale; dx++) pixels.push([(k * (GLYPH_WIDTH + 1) + x) * scale + dx, y * scale + dy]);
      }
    });
  });
  return { width: Math.max(0, chars.length * (GLYPH_WIDTH + 1) - 1) * scale, height: GLYPH_HEIGHT * scale, pixels };
}
