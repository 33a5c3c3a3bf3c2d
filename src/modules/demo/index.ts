// The demo module: a deterministic demo store and a converter for the UCI Online Retail data set.
export { generateDemoStore, type DemoStoreOptions } from './demo.generator.ts';
export { DEMO_LOCATIONS, DEMO_CURRENCY, DEMO_SHOP_URL } from './demo.catalog.ts';
export type { DemoStore, DemoLocation, DemoProduct, DemoVariant, DemoStock, SegmentMessage } from './demo.types.ts';
export {
  onlineRetailBatches, onlineRetailMessages, batchMessages, parseCsvLine, readLines,
  MAX_MESSAGE_BYTES, type BatchLimits,
} from './online-retail.ts';
