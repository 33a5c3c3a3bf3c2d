/**
 * What a shopper's mail client tells the sender about a message (the reveal). The world's open is
 * a hidden draw (simulator.world.ts `react`); a real client shows it only by loading the open
 * pixel, which it does only with images on, and shows a click only when the shopper acts on the
 * message (the world's `persuaded`: they come to the store from it). So Braid sees a floor of the
 * opens and every click; a click without a seen open still counts as an open on Braid's side.
 *
 * Images on: a fixed share of shoppers (IMAGES_ON_SHARE; e.g. Outlook's default blocks images,
 * most phone clients load them), chosen by a hash of the shopper's index so it costs no random
 * draw: every other stream of the world stays as it was.
 */
import type { Reaction } from './simulator.world.ts';

export const IMAGES_ON_SHARE = 0.8;

/** Whether shopper `i`'s mail client loads images (so the open pixel). */
export const loadsImages = (i: number, share = IMAGES_ON_SHARE): boolean => ((i * 2246822519) >>> 0) % 1000 < share * 1000;

/** What the sender learns of one reaction: the pixel loads (seen open), a tracked link is followed (click). */
export function reveal(i: number, r: Pick<Reaction, 'opened' | 'persuaded'>, share = IMAGES_ON_SHARE): { pixel: boolean; click: boolean } {
  return { pixel: r.opened && loadsImages(i, share), click: r.opened && r.persuaded };
}
