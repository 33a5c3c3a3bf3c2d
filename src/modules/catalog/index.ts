/**
 * The catalog module: products, variants, stock per location and versioned price, sale price and
 * cost, so "what did this cost and earn at time T" has one answer. Other modules use the service;
 * the HTTP routes are admin-only.
 */
export { createCatalog, type CatalogService, type CatalogChange, type UpsertOptions } from './catalog.service.ts';
export { createCatalogCache, isVariantAvailable, summarizeProduct, type CatalogCache, type CachedProduct } from './catalog.cache.ts';
export { registerCatalogRoutes } from './catalog.routes.ts';
export type {
  ProductInput, VariantInput, Product, Variant, StockLevel, ProductPage, UpsertResult, ImportResult, FeedError,
  LocationInput, Location, StockUpdate, PriceVersion,
} from './catalog.types.ts';
