/** Public catalog types, derived from the wire schemas so API and service cannot drift apart. */
import type { Static } from 'typebox';
import type {
  ImportResultSchema, LocationInputSchema, LocationSchema, PriceVersionSchema, ProductInputSchema,
  ProductPageSchema, ProductSchema, StockLevelSchema, StockUpdateSchema, UpsertResultSchema,
  VariantInputSchema, VariantSchema, FeedErrorSchema,
} from './catalog.schemas.ts';

export type ProductInput = Static<typeof ProductInputSchema>;
export type VariantInput = Static<typeof VariantInputSchema>;
export type Product = Static<typeof ProductSchema>;
export type Variant = Static<typeof VariantSchema>;
export type StockLevel = Static<typeof StockLevelSchema>;
export type ProductPage = Static<typeof ProductPageSchema>;
export type UpsertResult = Static<typeof UpsertResultSchema>;
export type ImportResult = Static<typeof ImportResultSchema>;
export type FeedError = Static<typeof FeedErrorSchema>;
export type LocationInput = Static<typeof LocationInputSchema>;
export type Location = Static<typeof LocationSchema>;
export type StockUpdate = Static<typeof StockUpdateSchema>;
export type PriceVersion = Static<typeof PriceVersionSchema>;
