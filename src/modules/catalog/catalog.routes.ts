/**
 * Catalog HTTP routes (admin scope, the default). Handlers translate HTTP to service calls and
 * nothing else; errors are thrown as BraidError and mapped to a status by the server.
 */
import { Type, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { fieldFromPointer, invalid, isPlainObject, notFound, parseTimestamp, type BraidError, type HttpServer } from '../../core/index.ts';
import {
  ErrorSchema, ImportResultSchema, LocationInputSchema, LocationSchema, PriceVersionSchema,
  ProductBatchSchema, ProductInputSchema, ProductPageSchema, ProductSchema, StockUpdateSchema, UpsertResultSchema, VariantSchema,
} from './catalog.schemas.ts';
import { MAX_PAGE, type CatalogService } from './catalog.service.ts';
import type { ProductInput } from './catalog.types.ts';

const tags = ['catalog'];
const FEED_BODY_LIMIT = 32 * 1024 * 1024;
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema };

/**
 * The first schema violation as the same `invalid_request` the server reports for ajv failures:
 * a message and the dotted path of the offending field.
 */
export function firstSchemaError(schema: TSchema, value: unknown): BraidError | undefined {
  const errs = Value.Errors(schema, value);
  if (errs.length === 0) return undefined;
  const e = errs.find((x) => x.keyword !== 'boolean' && x.keyword !== 'anyOf') ?? errs[0]!;
  const params = e.params as { requiredProperties?: string[]; additionalProperties?: string[] };
  if (e.keyword === 'required' && params.requiredProperties?.[0]) {
    return invalid(fieldFromPointer(e.instancePath, params.requiredProperties[0]), 'is required');
  }
  if (e.keyword === 'additionalProperties' && params.additionalProperties?.[0]) {
    return invalid(fieldFromPointer(e.instancePath, params.additionalProperties[0]), 'is not a known property');
  }
  return invalid(fieldFromPointer(e.instancePath), e.message);
}

/**
 * POST /v1/catalog/products takes one product or `{products: [...]}`. An anyOf schema would
 * report the wrong branch's error, so the body is validated against the branch its shape picks.
 */
function validateUpsertBody(body: unknown): { value: unknown } | { error: BraidError } {
  const batch = isPlainObject(body) && 'products' in body;
  const error = firstSchemaError(batch ? ProductBatchSchema : ProductInputSchema, body);
  return error ? { error } : { value: body };
}

export function registerCatalogRoutes(app: HttpServer, catalog: CatalogService): void {
  app.post('/v1/catalog/products', {
    schema: {
      tags, summary: 'Create or update one product, or up to 1000 as {products:[...]}',
      description: 'Descriptive fields are replaced; price, salePrice, cost and currency are patched and every change of them is versioned. All-or-nothing.',
      body: Type.Union([ProductInputSchema, ProductBatchSchema]),
      response: { 200: UpsertResultSchema, ...errors },
    },
    validatorCompiler: ({ httpPart }) => (httpPart === 'body' ? validateUpsertBody : () => true),
  }, async (req) => {
    const body = req.body as ProductInput | { products: ProductInput[] };
    if ('products' in body) return catalog.upsertProducts(body.products);
    return catalog.upsertProducts([body], { fieldPath: () => '' });
  });

  app.get('/v1/catalog/products', {
    schema: {
      tags, summary: 'List products with their variants, keyset-paged in id order',
      querystring: Type.Object({
        limit: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}$', description: `Page size, 1 to ${MAX_PAGE} (default 50)` })),
        cursor: Type.Optional(Type.String({ maxLength: 1000, description: 'nextCursor of the previous page' })),
      }),
      response: { 200: ProductPageSchema, ...errors },
    },
  }, async (req) => catalog.listProducts({
    ...(req.query.limit !== undefined ? { limit: Number(req.query.limit) } : {}),
    ...(req.query.cursor !== undefined ? { cursor: req.query.cursor } : {}),
  }));

  app.get('/v1/catalog/products/:id', {
    schema: {
      tags, summary: 'A product with its variants, their stock per location and current margin',
      params: IdParams, response: { 200: ProductSchema, 404: ErrorSchema, ...errors },
    },
  }, async (req) => {
    const p = await catalog.getProduct(req.params.id);
    if (!p) throw notFound(`product "${req.params.id}"`);
    return p;
  });

  app.get('/v1/catalog/variants/:id', {
    schema: { tags, summary: 'A variant with its current price, margin and stock', params: IdParams, response: { 200: VariantSchema, 404: ErrorSchema, ...errors } },
  }, async (req) => {
    const v = await catalog.getVariant(req.params.id);
    if (!v) throw notFound(`variant "${req.params.id}"`);
    return v;
  });

  app.get('/v1/catalog/variants/:id/price-at', {
    schema: {
      tags, summary: 'Price, sale price, cost, currency and margin in force at a time',
      params: IdParams,
      querystring: Type.Object({ at: Type.String({ description: 'ISO-8601 timestamp' }) }),
      response: { 200: PriceVersionSchema, 404: ErrorSchema, ...errors },
    },
  }, async (req) => {
    // An unencoded "+02:00" offset arrives as " 02:00" (a query-string "+" is a space).
    const at = parseTimestamp(req.query.at.replace(/ (\d{2}:?\d{2})$/, '+$1'));
    if (at === undefined) throw invalid('at', 'must be an ISO-8601 timestamp');
    const v = await catalog.priceAt(req.params.id, at);
    if (!v) throw notFound(`price of variant "${req.params.id}" at ${req.query.at}`);
    return v;
  });

  app.get('/v1/catalog/variants/:id/price-history', {
    schema: {
      tags, summary: 'Every price version of a variant, oldest first',
      params: IdParams,
      response: { 200: Type.Object({ variantId: Type.String(), items: Type.Array(PriceVersionSchema) }), 404: ErrorSchema, ...errors },
    },
  }, async (req) => ({ variantId: req.params.id, items: await catalog.priceHistory(req.params.id) }));

  app.put('/v1/catalog/inventory', {
    schema: {
      tags, summary: 'Set absolute stock levels per variant and location (all-or-nothing)',
      body: Type.Object({ updates: Type.Array(StockUpdateSchema, { maxItems: 10_000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ updated: Type.Integer() }), ...errors },
    },
  }, async (req) => catalog.setStock(req.body.updates));

  app.get('/v1/catalog/locations', {
    schema: { tags, summary: 'List stock locations (online and stores)', response: { 200: Type.Object({ items: Type.Array(LocationSchema) }), ...errors } },
  }, async () => ({ items: await catalog.listLocations() }));

  app.put('/v1/catalog/locations', {
    schema: {
      tags, summary: 'Create or replace stock locations',
      body: Type.Object({ locations: Type.Array(LocationInputSchema, { minItems: 1, maxItems: 1000 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ items: Type.Array(LocationSchema) }), ...errors },
    },
  }, async (req) => ({ items: await catalog.upsertLocations(req.body.locations) }));

  app.post('/v1/catalog/feeds/gmc', {
    config: { scope: 'admin', rawBody: true },
    bodyLimit: FEED_BODY_LIMIT,
    schema: {
      tags, summary: 'Import a Google Merchant Center product feed (TSV or CSV, auto-detected)',
      description: 'The raw feed file as the body, any Content-Type. Bad rows are reported with line and column; the others import.',
      consumes: ['text/tab-separated-values', 'text/csv', 'text/plain'],
      body: Type.String({ description: 'Feed file contents' }),
      response: { 200: ImportResultSchema, ...errors },
    },
  }, async (req) => catalog.importGmcFeed(req.body));
}
