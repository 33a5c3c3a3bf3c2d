/**
 * Traits HTTP routes, admin scope: a profile's computed traits, and its preferences (read,
 * replace, patch). Handlers resolve the ref through profiles (waiting briefly for the projection)
 * and call the service; a bad variable or value is a 400 naming `values.<name>`.
 */
import { Type } from 'typebox';
import { routeValidator, type HttpServer } from '../../core/index.ts';
import type { ProfileService } from '../profiles/index.ts';
import { validateValues } from './traits.preferences.ts';
import type { PreferenceValue, TraitsService } from './traits.types.ts';

const tags = ['traits'];
const security = [{ adminKey: [] }];
const RefParams = Type.Object({ ref: Type.String({ minLength: 1, maxLength: 500, description: 'prf_…, userId:…, anonymousId:…, email:…, phone:… or externalId:TYPE:…' }) });
const ErrorSchema = Type.Object({ error: Type.Object({ code: Type.String(), message: Type.String(), field: Type.Optional(Type.String()) }) });
const errors = { 400: ErrorSchema, 401: ErrorSchema, 404: ErrorSchema };

const Num = Type.Number();
const NullableNum = Type.Union([Type.Number(), Type.Null()]);
const ChannelScore = Type.Object({ sent: Num, responses: Num, rate: Num });
const TraitsSchema = Type.Object({
  profileId: Type.String(),
  rfm: Type.Object({ recencyDays: NullableNum, frequency: Num, monetary: Num, r: Num, f: Num, m: Num, score: Num, cell: Type.String() }),
  lifecycle: Type.String({ description: 'prospect, new, active, at_risk, lapsed or won_back' }),
  customerType: Type.String({ description: 'new (0-1 purchases) or returning' }),
  valueTier: Type.String({ description: 'high when the predicted CLV reaches the store\'s top 20%' }),
  clv: Type.Object({ expectedPurchases: Num, expectedSpend: Num, expectedValue: Num, pAlive: NullableNum, modelVersion: Num, horizonWeeks: Num }),
  replenishment: Type.Array(Type.Object({ key: Type.String(), intervalDays: Num, lastPurchasedAt: Type.String(), nextDueAt: Type.String(), purchases: Num, basis: Type.String() })),
  discountSensitivity: Num,
  priceTier: Type.Union([Type.String(), Type.Null()]),
  preferredCategories: Type.Array(Type.Object({ category: Type.String(), share: Num })),
  bestSendHour: NullableNum,
  channelResponsiveness: Type.Object({ email: ChannelScore, sms: ChannelScore, push: ChannelScore, onsite: ChannelScore }),
  computedAt: Type.String(),
});

const Value_ = Type.Union([Type.Number(), Type.Boolean(), Type.String()]);
const ViewSchema = Type.Object({
  variable: Type.String(), kind: Type.String(), options: Type.Optional(Type.Array(Type.String())),
  value: Type.Union([Value_, Type.Null()]), confidence: Num, origin: Type.Union([Type.String(), Type.Null()]),
  sources: Type.Array(Type.Object({ origin: Type.String(), source: Type.String(), value: Value_, confidence: Num, at: Type.String() })),
});
const PreferencesSchema = Type.Object({ profileId: Type.String(), preferences: Type.Record(Type.String(), ViewSchema) });

const body = (nullable: boolean) => Type.Object({
  values: Type.Record(Type.String({ maxLength: 64 }), nullable ? Type.Union([Value_, Type.Null()]) : Value_, {
    maxProperties: 64, description: nullable ? 'Variable → value; null removes the declared value' : 'Variable → value',
  }),
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'What carried the answer: quiz, post_purchase, support, api (default), …' })),
  at: Type.Optional(Type.String({ maxLength: 40, description: 'When the shopper said it (ISO-8601; default now)' })),
}, { additionalProperties: false });


interface Body { values: Record<string, PreferenceValue | null>; source?: string; at?: string }

export function registerTraitsRoutes(app: HttpServer, traits: TraitsService, profiles: ProfileService): void {
  app.get('/v1/profiles/:ref/traits', {
    schema: {
      tags, security, params: RefParams, summary: 'Computed traits: RFM, lifecycle, CLV, replenishment, discount sensitivity, price tier, categories, send hour, channels',
      response: { 200: TraitsSchema, ...errors },
    },
  }, async (req) => traits.get(await profiles.resolve((req.params as { ref: string }).ref)));

  app.get('/v1/profiles/:ref/preferences', {
    schema: {
      tags, security, params: RefParams, summary: 'Preferences: effective value per variable with confidence and every source (declared beats inferred)',
      response: { 200: PreferencesSchema, ...errors },
    },
  }, async (req) => {
    const profileId = await profiles.resolve((req.params as { ref: string }).ref);
    return { profileId, preferences: await traits.preferences(profileId) };
  });

  for (const [method, replace] of [['put', true], ['patch', false]] as const) {
    app[method]('/v1/profiles/:ref/preferences', {
      schema: {
        tags, security, params: RefParams, body: body(!replace),
        summary: replace ? 'Replace the declared preferences (variables not given lose their declared value)' : 'Declare some preferences (null removes one)',
        response: { 200: PreferencesSchema, ...errors },
      },
      validatorCompiler: routeValidator,
    }, async (req) => {
      const b = req.body as Body;
      validateValues(traits.variables(), b.values); // a bad request is a 400 whether or not the profile exists
      const profileId = await profiles.resolve((req.params as { ref: string }).ref);
      const opts = { replace, ...(b.at !== undefined ? { at: b.at } : {}) };
      return { profileId, preferences: await traits.setPreferences(profileId, b.values, b.source ?? 'api', opts) };
    });
  }
}
