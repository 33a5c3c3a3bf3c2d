/** Who the demo shoppers are: names, contact points, consent, where they live. */
import type { Rng } from './demo.prng.ts';
import type { Department } from './demo.types.ts';

const FIRST = ['Ava', 'Liam', 'Maya', 'Noah', 'Zoe', 'Ethan', 'Priya', 'Mateo', 'Chloe', 'Jamal', 'Sofia', 'Lucas', 'Amara', 'Owen', 'Hana', 'Diego', 'Grace', 'Kenji', 'Nora', 'Elijah', 'Leila', 'Caleb', 'Ines', 'Marcus', 'Ruby', 'Samir', 'Tessa', 'Wyatt', 'Yara', 'Felix', 'Aisha', 'Theo', 'Camila', 'Rohan', 'Stella', 'Isaac', 'Mei', 'Julian', 'Freya', 'Omar'];
const LAST = ['Smith', 'Garcia', 'Johnson', 'Nguyen', 'Patel', 'Kim', 'Brown', 'Lopez', 'Okafor', 'Miller', 'Davis', 'Chen', 'Rossi', 'Wilson', 'Khan', 'Martin', 'Anderson', 'Silva', 'Murphy', 'Cohen', 'Tanaka', 'Walker', 'Rivera', 'Schmidt', 'Hughes', 'Novak', 'Reyes', 'Clarke', 'Singh', 'Foster'];

/** Area codes for fictional 555 numbers; the line part comes from the shopper index, so phones never collide. */
const AREAS: Record<string, readonly string[]> = {
  US: ['212', '646', '718', '917', '312', '773', '415', '213', '310', '512', '617', '206', '303', '404', '305', '702', '615', '503'],
  CA: ['416', '604', '514', '403'],
};

interface Region { country: string; timezone: string; offsetHours: number; weight: number }
const REGIONS: readonly Region[] = [
  { country: 'US', timezone: 'America/New_York', offsetHours: -5, weight: 34 },
  { country: 'US', timezone: 'America/Chicago', offsetHours: -6, weight: 24 },
  { country: 'US', timezone: 'America/Denver', offsetHours: -7, weight: 8 },
  { country: 'US', timezone: 'America/Los_Angeles', offsetHours: -8, weight: 20 },
  { country: 'CA', timezone: 'America/Toronto', offsetHours: -5, weight: 6 },
  { country: 'CA', timezone: 'America/Vancouver', offsetHours: -8, weight: 3 },
  { country: 'GB', timezone: 'Europe/London', offsetHours: 0, weight: 5 },
];

export type ShopperKind = 'member' | 'guest' | 'visitor';

export interface Consent { email_marketing: boolean; sms_marketing: boolean; personalization: boolean }

export interface Person {
  index: number;
  kind: ShopperKind;
  userId?: string;
  firstName: string;
  lastName: string;
  email: string;
  phone?: string;
  loyaltyId?: string;
  consent: Consent;
  country: string;
  timezone: string;
  /** Fixed UTC offset used to place sessions at plausible local hours (DST ignored on purpose). */
  offsetHours: number;
  /** Relative interest per department. */
  interests: Array<readonly [Department, number]>;
  /** 0..1: how likely a session turns into an order. */
  buyer: number;
  /** Shops in the store nearest to them (loyalty members in NY or Chicago time zones). */
  homeStore?: string;
}

const DEPARTMENTS: readonly Department[] = ['apparel', 'footwear', 'home', 'beauty', 'electronics'];

export function makePerson(rng: Rng, index: number): Person {
  const kind = rng.weighted<ShopperKind>([['member', 75], ['guest', 15], ['visitor', 10]]);
  const firstName = rng.pick(FIRST);
  const lastName = rng.pick(LAST);
  const region = rng.weighted(REGIONS.map((r) => [r, r.weight] as const));
  const domain = rng.pick(['example.com', 'example.org', 'example.net']);
  const email = `${firstName}.${lastName}${index}@${domain}`.toLowerCase();
  const areas = AREAS[region.country];
  const phone = kind === 'member' && areas && rng.chance(0.45)
    ? `+1${areas[index % areas.length]}555${String(100 + Math.floor(index / areas.length)).padStart(4, '0')}`
    : undefined;
  const loyaltyId = kind === 'member' && region.country !== 'GB' && rng.chance(0.35) ? `LY${String(40000000 + index * 7 + 3).padStart(8, '0')}` : undefined;
  const emailOk = rng.chance(kind === 'member' ? 0.62 : 0.4);
  const consent: Consent = {
    email_marketing: emailOk,
    sms_marketing: phone !== undefined && rng.chance(0.45),
    personalization: rng.chance(0.86),
  };
  // Most people care about one or two departments and dip into the rest.
  const favourite = rng.pick(DEPARTMENTS);
  const second = rng.pick(DEPARTMENTS);
  const interests = DEPARTMENTS.map((d) => [d, d === favourite ? 6 : d === second ? 3 : rng.float(0.2, 1)] as const);
  let homeStore: string | undefined;
  if (loyaltyId && region.timezone === 'America/New_York') homeStore = 'store-soho';
  if (loyaltyId && region.timezone === 'America/Chicago') homeStore = 'store-wicker-park';
  return {
    index, kind,
    ...(kind === 'member' ? { userId: `cus_${String(index + 1).padStart(5, '0')}` } : {}),
    firstName, lastName, email,
    ...(phone ? { phone } : {}),
    ...(loyaltyId ? { loyaltyId } : {}),
    consent,
    country: region.country,
    timezone: region.timezone,
    offsetHours: region.offsetHours,
    interests,
    buyer: kind === 'visitor' ? 0 : rng.float(0.15, 0.7),
    ...(homeStore ? { homeStore } : {}),
  };
}

/** Traits sent with identify. `createdAt` is the sign-up time (Segment's reserved trait). */
export function personTraits(p: Person, createdAt: string): Record<string, unknown> {
  return {
    email: p.email,
    firstName: p.firstName,
    lastName: p.lastName,
    ...(p.phone ? { phone: p.phone } : {}),
    ...(p.loyaltyId ? { loyaltyId: p.loyaltyId } : {}),
    consent: { ...p.consent },
    country: p.country,
    timezone: p.timezone,
    createdAt,
  };
}
