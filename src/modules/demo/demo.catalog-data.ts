import type { Department } from './demo.types.ts';

/** How a product's variants differ. */
export type VariantAxis = 'apparel' | 'shoe' | 'color' | 'volume' | 'pack' | 'device' | 'scent';

export interface ProductTemplate {
  department: Department;
  /** Google product taxonomy path (what Merchant Center calls google_product_category). */
  category: string;
  /** The retailer's own navigation path (product_type). */
  productType: string;
  nouns: readonly string[];
  price: readonly [number, number];
  axis: VariantAxis;
  replenishDays?: number;
  weight: number;
}

const A = 'Apparel & Accessories > Clothing';
const HB = 'Health & Beauty > Personal Care';

export const TEMPLATES: readonly ProductTemplate[] = [
  { department: 'apparel', category: `${A} > Shirts & Tops`, productType: 'Apparel > Tops > T-Shirts', nouns: ['Crew Tee', 'Pocket Tee', 'Slub Tee', 'Long-Sleeve Tee'], price: [18, 38], axis: 'apparel', weight: 9 },
  { department: 'apparel', category: `${A} > Shirts & Tops`, productType: 'Apparel > Tops > Shirts', nouns: ['Oxford Shirt', 'Flannel Shirt', 'Linen Shirt', 'Chambray Shirt'], price: [39, 89], axis: 'apparel', weight: 6 },
  { department: 'apparel', category: `${A} > Activewear > Sweatshirts`, productType: 'Apparel > Tops > Hoodies & Sweatshirts', nouns: ['Hoodie', 'Crewneck Sweatshirt', 'Half-Zip Pullover'], price: [45, 95], axis: 'apparel', weight: 6 },
  { department: 'apparel', category: `${A} > Pants`, productType: 'Apparel > Bottoms > Pants', nouns: ['Chinos', 'Slim Jeans', 'Relaxed Jeans', 'Joggers', 'Cargo Pants'], price: [45, 120], axis: 'apparel', weight: 7 },
  { department: 'apparel', category: `${A} > Dresses`, productType: 'Apparel > Dresses', nouns: ['Wrap Dress', 'Slip Dress', 'Shirt Dress', 'Midi Dress'], price: [55, 160], axis: 'apparel', weight: 4 },
  { department: 'apparel', category: `${A} > Outerwear > Coats & Jackets`, productType: 'Apparel > Outerwear', nouns: ['Rain Jacket', 'Puffer Jacket', 'Chore Coat', 'Wool Overcoat', 'Fleece Vest'], price: [79, 260], axis: 'apparel', weight: 4 },
  { department: 'apparel', category: 'Apparel & Accessories > Clothing Accessories > Hats', productType: 'Apparel > Accessories > Hats', nouns: ['Beanie', 'Baseball Cap', 'Bucket Hat'], price: [19, 39], axis: 'color', weight: 3 },
  { department: 'apparel', category: 'Apparel & Accessories > Clothing > Underwear & Socks > Socks', productType: 'Apparel > Accessories > Socks', nouns: ['Crew Socks 3-Pack', 'Ankle Socks 3-Pack', 'Wool Hiking Socks'], price: [12, 28], axis: 'pack', replenishDays: 120, weight: 3 },
  { department: 'footwear', category: 'Apparel & Accessories > Shoes', productType: 'Footwear > Sneakers', nouns: ['Court Sneaker', 'Canvas Low-Top', 'Knit Runner', 'Retro Trainer'], price: [60, 140], axis: 'shoe', weight: 6 },
  { department: 'footwear', category: 'Apparel & Accessories > Shoes', productType: 'Footwear > Boots', nouns: ['Chelsea Boot', 'Lace-Up Boot', 'Trail Hiker'], price: [110, 240], axis: 'shoe', weight: 3 },
  { department: 'footwear', category: 'Apparel & Accessories > Shoes', productType: 'Footwear > Sandals & Slides', nouns: ['Slide Sandal', 'Strap Sandal', 'House Slipper'], price: [29, 79], axis: 'shoe', weight: 3 },
  { department: 'home', category: 'Home & Garden > Kitchen & Dining > Tableware > Drinkware > Mugs', productType: 'Home > Kitchen > Mugs', nouns: ['Stoneware Mug', 'Mug Set of 4', 'Travel Mug'], price: [14, 48], axis: 'color', weight: 4 },
  { department: 'home', category: 'Home & Garden > Linens & Bedding > Bedding > Duvet Covers', productType: 'Home > Bedding > Duvet Covers', nouns: ['Linen Duvet Cover', 'Percale Duvet Cover', 'Sateen Duvet Cover'], price: [89, 220], axis: 'color', weight: 3 },
  { department: 'home', category: 'Home & Garden > Linens & Bedding > Bedding > Blankets', productType: 'Home > Living > Throws', nouns: ['Waffle Throw', 'Knit Throw Blanket', 'Wool Blanket'], price: [49, 160], axis: 'color', weight: 3 },
  { department: 'home', category: 'Home & Garden > Linens & Bedding > Towels > Bath Towels & Washcloths', productType: 'Home > Bath > Towels', nouns: ['Bath Towel Set', 'Hand Towel Pair', 'Turkish Bath Sheet'], price: [24, 89], axis: 'color', weight: 3 },
  { department: 'home', category: 'Home & Garden > Decor > Home Fragrances > Candles', productType: 'Home > Fragrance > Candles', nouns: ['Soy Candle', 'Three-Wick Candle', 'Travel Candle'], price: [16, 48], axis: 'scent', replenishDays: 60, weight: 4 },
  { department: 'home', category: 'Home & Garden > Kitchen & Dining > Cookware & Bakeware > Cookware > Skillets', productType: 'Home > Kitchen > Cookware', nouns: ['Cast Iron Skillet', 'Carbon Steel Pan', 'Nonstick Fry Pan'], price: [29, 129], axis: 'pack', weight: 2 },
  { department: 'home', category: 'Home & Garden > Lighting > Lamps', productType: 'Home > Lighting > Lamps', nouns: ['Ceramic Table Lamp', 'Brass Desk Lamp', 'Rechargeable Lantern'], price: [45, 180], axis: 'color', weight: 2 },
  { department: 'beauty', category: `${HB} > Cosmetics > Skin Care > Lotion & Moisturizer`, productType: 'Beauty > Skincare > Moisturizers', nouns: ['Daily Moisturizer', 'Night Cream', 'Gel Moisturizer'], price: [18, 58], axis: 'volume', replenishDays: 45, weight: 4 },
  { department: 'beauty', category: `${HB} > Cosmetics > Skin Care > Facial Cleansers`, productType: 'Beauty > Skincare > Cleansers', nouns: ['Gentle Cleanser', 'Foaming Cleanser', 'Cleansing Balm'], price: [14, 38], axis: 'volume', replenishDays: 45, weight: 3 },
  { department: 'beauty', category: `${HB} > Cosmetics > Skin Care > Facial Serums`, productType: 'Beauty > Skincare > Serums', nouns: ['Vitamin C Serum', 'Hyaluronic Serum', 'Niacinamide Serum'], price: [22, 68], axis: 'volume', replenishDays: 60, weight: 3 },
  { department: 'beauty', category: `${HB} > Cosmetics > Skin Care > Sunscreen`, productType: 'Beauty > Skincare > Sunscreen', nouns: ['Mineral Sunscreen SPF 30', 'Daily Sunscreen SPF 50'], price: [16, 36], axis: 'volume', replenishDays: 60, weight: 2 },
  { department: 'beauty', category: `${HB} > Hair Care > Shampoo & Conditioner`, productType: 'Beauty > Hair > Shampoo & Conditioner', nouns: ['Repair Shampoo', 'Volume Shampoo', 'Hydrating Conditioner', 'Scalp Scrub'], price: [12, 34], axis: 'volume', replenishDays: 40, weight: 4 },
  { department: 'beauty', category: `${HB} > Cosmetics > Bath & Body > Body Wash`, productType: 'Beauty > Bath & Body > Body Wash', nouns: ['Body Wash', 'Exfoliating Body Wash', 'Bar Soap Trio'], price: [9, 26], axis: 'volume', replenishDays: 30, weight: 3 },
  { department: 'beauty', category: `${HB} > Cosmetics > Skin Care > Lip Balms & Treatments`, productType: 'Beauty > Skincare > Lip Care', nouns: ['Lip Balm', 'Tinted Lip Balm', 'Overnight Lip Mask'], price: [6, 22], axis: 'pack', replenishDays: 30, weight: 2 },
  { department: 'beauty', category: `${HB} > Oral Care > Toothpaste`, productType: 'Beauty > Oral Care', nouns: ['Whitening Toothpaste', 'Mint Toothpaste', 'Charcoal Toothpaste'], price: [5, 14], axis: 'pack', replenishDays: 30, weight: 2 },
  { department: 'electronics', category: 'Electronics > Electronics Accessories > Cables > USB Cables', productType: 'Tech > Charging > Cables', nouns: ['USB-C Cable', 'USB-C to Lightning Cable', 'Braided USB-C Cable'], price: [12, 29], axis: 'pack', weight: 4 },
  { department: 'electronics', category: 'Electronics > Electronics Accessories > Power > Power Adapters & Chargers', productType: 'Tech > Charging > Chargers', nouns: ['65W USB-C Charger', 'Wireless Charging Pad', '3-in-1 Charging Stand'], price: [25, 89], axis: 'color', weight: 3 },
  { department: 'electronics', category: 'Electronics > Electronics Accessories > Power > Batteries > Power Banks', productType: 'Tech > Charging > Power Banks', nouns: ['10,000 mAh Power Bank', '20,000 mAh Power Bank', 'MagSafe Battery Pack'], price: [29, 79], axis: 'color', weight: 2 },
  { department: 'electronics', category: 'Electronics > Communications > Telephony > Mobile Phone Accessories > Mobile Phone Cases', productType: 'Tech > Phone > Cases', nouns: ['Silicone Phone Case', 'Clear Phone Case', 'Leather Folio Case'], price: [19, 49], axis: 'device', weight: 4 },
  { department: 'electronics', category: 'Electronics > Communications > Telephony > Mobile Phone Accessories > Mobile Phone Screen Protectors', productType: 'Tech > Phone > Screen Protectors', nouns: ['Tempered Glass Screen Protector', 'Privacy Screen Protector'], price: [12, 29], axis: 'device', replenishDays: 150, weight: 2 },
  { department: 'electronics', category: 'Electronics > Audio > Audio Components > Headphones & Headsets > Headphones', productType: 'Tech > Audio', nouns: ['Wireless Earbuds', 'Over-Ear Headphones', 'Sport Earbuds'], price: [39, 199], axis: 'color', weight: 3 },
  { department: 'electronics', category: 'Electronics > Electronics Accessories > Computer Accessories > Laptop Cases', productType: 'Tech > Computer > Laptop Sleeves', nouns: ['Laptop Sleeve', 'Tech Organizer Pouch'], price: [29, 69], axis: 'device', weight: 2 },
];

export const BRANDS: Record<Department, readonly string[]> = {
  apparel: ['Northwind Supply', 'Harbor & Pine', 'Kestrel', 'Common Thread', 'Fieldnote'],
  footwear: ['Stride Co.', 'Trailmark', 'Cobble & Sole', 'Kestrel'],
  home: ['Oak & Ember', 'Hearthside', 'Linen Lane', 'Kiln Studio'],
  beauty: ['Veda Botanics', 'Solace Skin', 'Clearwave', 'Petal & Pestle'],
  electronics: ['Voltline', 'Ampere Goods', 'Signal', 'Lumen Lab'],
};

export const ADJECTIVES: Record<Department, readonly string[]> = {
  apparel: ['Everyday', 'Heritage', 'Organic Cotton', 'Lightweight', 'Brushed', 'Garment-Dyed', 'Classic', 'Relaxed'],
  footwear: ['Everyday', 'Weatherproof', 'Recycled', 'Cushioned', 'Classic', 'Leather'],
  home: ['Handmade', 'Stonewashed', 'Speckled', 'Organic', 'Minimal', 'Heirloom'],
  beauty: ['Calming', 'Brightening', 'Fragrance-Free', 'Botanical', 'Barrier', 'Daily'],
  electronics: ['Fast-Charge', 'Slim', 'Rugged', 'Travel', 'Pro', 'Compact'],
};

export const COLORS = ['Black', 'White', 'Navy', 'Heather Grey', 'Olive', 'Sand', 'Rust', 'Forest Green', 'Sky Blue', 'Burgundy'] as const;
export const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL'] as const;
export const SHOE_SIZES = ['7', '8', '9', '10', '11', '12'] as const;
export const VOLUMES = [['30 ml', 1], ['50 ml', 1.5], ['100 ml', 2.4], ['200 ml', 3.8]] as const;
export const PACKS = [['Single', 1], ['2-Pack', 1.8], ['3-Pack', 2.55]] as const;
export const DEVICES = ['iPhone 15', 'iPhone 16', 'Galaxy S24', 'Pixel 9', '13-inch', '15-inch'] as const;
export const SCENTS = ['Unscented', 'Cedar & Sage', 'Citrus', 'Lavender', 'Sea Salt'] as const;

export const FEATURES: Record<Department, readonly string[]> = {
  apparel: ['Cut for an easy, true-to-size fit.', 'Pre-washed so it will not shrink.', 'Made from responsibly sourced fibres.', 'Built to soften with every wash.'],
  footwear: ['A cushioned footbed for all-day wear.', 'Grippy rubber outsole.', 'Runs true to size; half sizes should size up.'],
  home: ['Designed to be used every day.', 'Machine washable.', 'Made in small batches.', 'Pairs with the rest of the collection.'],
  beauty: ['Dermatologist tested.', 'Vegan and cruelty free.', 'Suitable for sensitive skin.', 'Refill sizes available.'],
  electronics: ['Backed by a two-year warranty.', 'Tested for 10,000 bend cycles.', 'Charges most devices at full speed.', 'Drop tested to 2 metres.'],
};
