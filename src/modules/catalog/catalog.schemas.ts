/**
 * The catalog's wire contract as TypeBox schemas. The service's public types are derived from
 * them (catalog.types.ts), so what the API documents, validates and serializes is exactly what
 * other modules receive.
 */
import { Type, type TSchema } from 'typebox';

const Id = Type.String({ minLength: 1, maxLength: 200 });
const Text = (maxLength: number, description?: string) => Type.String(description ? { maxLength, description } : { maxLength });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Money = Type.Number({ minimum: 0, maximum: 9_999_999_999.99, description: 'Decimal amount in the currency, at most 2 decimal places' });
const Currency = Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 4217 code' });
const Timestamp = Type.String({ minLength: 10, maxLength: 40, description: 'ISO-8601 timestamp' });
const Attributes = Type.Record(Type.String(), Type.Unknown(), { description: 'Free-form attributes (unknown feed columns land here)' });

export const AVAILABILITY = ['in_stock', 'out_of_stock', 'preorder', 'backorder'] as const;
const Availability = Type.Enum([...AVAILABILITY]);
export const LOCATION_TYPES = ['online', 'store'] as const;

/** Fields a variant may carry; when a product omits `variants` they are read from the product. */
const variantFields = {
  price: Type.Optional(Money),
  salePrice: Type.Optional(Nullable(Money)),
  cost: Type.Optional(Nullable(Money)),
  currency: Type.Optional(Currency),
  availability: Type.Optional(Availability),
  gtin: Type.Optional(Text(50)),
  mpn: Type.Optional(Text(70)),
  effectiveAt: Type.Optional(Timestamp),
};

export const VariantInputSchema = Type.Object({
  id: Id,
  title: Type.Optional(Text(500)),
  link: Type.Optional(Text(2000)),
  imageLink: Type.Optional(Text(2000)),
  color: Type.Optional(Text(100)),
  size: Type.Optional(Text(100)),
  condition: Type.Optional(Text(20)),
  attributes: Type.Optional(Attributes),
  ...variantFields,
}, { additionalProperties: false });

export const ProductInputSchema = Type.Object({
  id: Id,
  title: Type.String({ minLength: 1, maxLength: 500 }),
  description: Type.Optional(Text(10_000)),
  brand: Type.Optional(Text(200)),
  category: Type.Optional(Text(750, 'Google product category')),
  productType: Type.Optional(Text(750, 'Your own category path, e.g. "Home > Kitchen"')),
  link: Type.Optional(Text(2000)),
  imageLink: Type.Optional(Text(2000)),
  attributes: Type.Optional(Attributes),
  ...variantFields,
  variants: Type.Optional(Type.Array(VariantInputSchema, {
    minItems: 1, maxItems: 500,
    description: 'Omitted: one variant with the product id, from the top-level fields. Given: variants inherit currency, price fields, availability and effectiveAt they omit.',
  })),
}, { additionalProperties: false, description: 'Descriptive fields are replaced by each upsert; price, salePrice, cost and currency are patched (omitted = unchanged, null = cleared) and versioned.' });

export const MAX_PRODUCTS_PER_REQUEST = 1000;
export const ProductBatchSchema = Type.Object({
  products: Type.Array(ProductInputSchema, { minItems: 1, maxItems: MAX_PRODUCTS_PER_REQUEST }),
}, { additionalProperties: false });

export const StockLevelSchema = Type.Object({
  locationId: Type.String(),
  quantity: Type.Integer(),
  updatedAt: Type.String(),
});

export const VariantSchema = Type.Object({
  id: Type.String(),
  productId: Type.String(),
  title: Nullable(Type.String()),
  gtin: Nullable(Type.String()),
  mpn: Nullable(Type.String()),
  link: Nullable(Type.String()),
  imageLink: Nullable(Type.String()),
  availability: Type.String(),
  color: Nullable(Type.String()),
  size: Nullable(Type.String()),
  condition: Nullable(Type.String()),
  attributes: Attributes,
  price: Type.Number(),
  salePrice: Nullable(Type.Number()),
  cost: Nullable(Type.Number()),
  currency: Type.String(),
  effectivePrice: Type.Number({ description: 'Sale price when below the price, else the price' }),
  margin: Nullable(Type.Number({ description: 'Effective price minus cost; null without a cost' })),
  marginRate: Nullable(Type.Number({ description: 'Margin / effective price' })),
  priceValidFrom: Type.String({ description: 'When the price version in force began' }),
  stock: Type.Array(StockLevelSchema),
  totalStock: Type.Integer({ description: 'Sum of positive stock over all locations' }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ProductSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  description: Nullable(Type.String()),
  brand: Nullable(Type.String()),
  category: Nullable(Type.String()),
  productType: Nullable(Type.String()),
  link: Nullable(Type.String()),
  imageLink: Nullable(Type.String()),
  attributes: Attributes,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  variants: Type.Array(VariantSchema),
});

export const ProductPageSchema = Type.Object({
  items: Type.Array(ProductSchema),
  nextCursor: Nullable(Type.String({ description: 'Pass as `cursor` for the next page; null on the last page' })),
});

export const UpsertResultSchema = Type.Object({
  created: Type.Integer({ description: 'Products created' }),
  updated: Type.Integer({ description: 'Products that already existed' }),
  variantsCreated: Type.Integer(),
  variantsUpdated: Type.Integer(),
  priceVersions: Type.Integer({ description: 'Price versions appended (identical values add none)' }),
});

export const FeedErrorSchema = Type.Object({
  line: Type.Integer({ description: 'Line of the feed the row starts on (header = 1)' }),
  field: Type.String({ description: 'Column name, or "row" when the row itself is malformed' }),
  message: Type.String(),
});

export const ImportResultSchema = Type.Object({
  ...UpsertResultSchema.properties,
  rows: Type.Integer({ description: 'Data rows read' }),
  errorCount: Type.Integer({ description: 'All errors; `errors` lists the first 1000' }),
  errors: Type.Array(FeedErrorSchema),
});

export const LocationInputSchema = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Enum([...LOCATION_TYPES]),
  timezone: Type.Optional(Nullable(Type.String({ maxLength: 64, description: 'IANA zone, e.g. Europe/Paris' }))),
  address: Type.Optional(Nullable(Type.String({ maxLength: 1000 }))),
}, { additionalProperties: false });

export const LocationSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.Enum([...LOCATION_TYPES]),
  timezone: Nullable(Type.String()),
  address: Nullable(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const StockUpdateSchema = Type.Object({
  variantId: Id,
  locationId: Id,
  quantity: Type.Integer({ minimum: -1_000_000_000, maximum: 1_000_000_000, description: 'Absolute level; negative (oversold) is stored as reported' }),
}, { additionalProperties: false });

export const PriceVersionSchema = Type.Object({
  variantId: Type.String(),
  validFrom: Type.String(),
  price: Type.Number(),
  salePrice: Nullable(Type.Number()),
  cost: Nullable(Type.Number()),
  currency: Type.String(),
  effectivePrice: Type.Number(),
  margin: Nullable(Type.Number()),
  marginRate: Nullable(Type.Number()),
});

export const ErrorSchema = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    field: Type.Optional(Type.String()),
  }, { additionalProperties: true }),
});
