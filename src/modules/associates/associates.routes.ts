/** The store associate route (admin scope for now; a store-device key can come later). */
import { Type } from 'typebox';
import type { HttpServer } from '../../core/index.ts';
import type { AssociatesService } from './associates.types.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

const Starter = Type.Object({
  basis: Type.String(), text: Type.String(), productId: Type.Optional(Type.String()), preference: Type.Optional(Type.String()),
});
const NextBestSchema = Type.Object({
  store: Type.Object({ id: Type.String(), name: Type.String() }),
  personalized: Type.Boolean(),
  note: Type.String(),
  customer: Nullable(Type.Object({
    profileId: Type.String(), firstName: Nullable(Type.String()), valueTier: Nullable(Type.String()), lifecycle: Nullable(Type.String()),
    clv: Nullable(Type.Number()),
    lastOrder: Nullable(Type.Object({ orderId: Type.String(), at: Type.String(), revenue: Type.Number(), currency: Type.String(), items: Type.Integer() })),
  })),
  conversationStarters: Type.Array(Starter),
  recommendations: Type.Array(Type.Object({ productId: Type.String(), title: Nullable(Type.String()), price: Type.Number(), why: Type.String() })),
});

export function registerAssociateRoutes(http: HttpServer, associates: AssociatesService): void {
  http.get('/v1/associate/next-best', {
    schema: {
      tags: ['associates'],
      summary: 'For a store associate: who this customer is, what to talk about, and what to show from this store',
      querystring: Type.Object({
        ref: Type.String({ minLength: 1, maxLength: 1000, description: 'Any profile ref, e.g. externalId:loyalty_id:L123, email:…, userId:…' }),
        store: Type.String({ minLength: 1, maxLength: 200, description: 'A catalog location id' }),
        count: Type.Integer({ minimum: 1, maximum: 20, default: 5 }),
      }),
      response: { 200: NextBestSchema },
    },
  }, async (req) => {
    const q = req.query as { ref: string; store: string; count: number };
    return associates.nextBest(q.ref, q.store, { count: q.count });
  });
}
