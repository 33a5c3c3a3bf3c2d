import { createGunzip } from 'node:zlib';
import Fastify, { LogController, type FastifyInstance, type FastifyBaseLogger, type FastifyError } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import { fieldFromPointer } from '../validate.ts';
import addFormats from 'ajv-formats';
import { BraidError } from '../errors.ts';
import { ANONYMOUS, authorize, type AccessControl, type Keys, type Scope } from './auth.ts';
import { accessHooks } from './access.ts';
import type { Metrics } from '../metrics.ts';

export type HttpServer = FastifyInstance<any, any, any, FastifyBaseLogger, TypeBoxTypeProvider>;

/** Hard cap on any decoded request body; Segment's own 500 KB batch limit is checked by ingest. */
const BODY_LIMIT = 4 * 1024 * 1024;


export interface ServerOptions {
  logger: FastifyBaseLogger;
  keys: Keys;
  metrics: Metrics;
  version: string;
  /** Role-based access (users, API keys, the route permission table); without it `config.scope` decides. */
  access?: AccessControl | undefined;
}

/** One registered route: what the access policy must cover. */
export interface RouteInfo { method: string; url: string; scope: Scope | undefined }

const routeLists = new WeakMap<object, RouteInfo[]>();

/** Every route registered on a server so far (HEAD twins of GET routes included), in order. */
export function registeredRoutes(http: HttpServer): RouteInfo[] {
  return [...(routeLists.get(http) ?? [])];
}

export async function createHttpServer(opts: ServerOptions): Promise<HttpServer> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: BODY_LIMIT,
    routerOptions: { maxParamLength: 1024 }, // profile refs such as email:… or externalId:TYPE:… can be long
    // Per-request logs at 50k events/s would be the bottleneck; latency is in /metrics instead.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Bodies are validated strictly (a string is not a number); query strings and path params are
  // text by nature, so they are coerced.
  const strict = new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  const coercing = new Ajv({ coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false, strict: false });
  for (const a of [strict, coercing]) (addFormats as unknown as (a: Ajv) => void)(a);
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? strict : coercing).compile(schema));

  const routes: RouteInfo[] = [];
  routeLists.set(app, routes);
  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/docs')) route.config = { ...(route.config ?? {}), scope: 'public' } as typeof route.config;
    for (const method of [route.method].flat()) routes.push({ method, url: route.url, scope: (route.config as { scope?: Scope } | undefined)?.scope });
  });

  // Bodies may be gzip'd whatever their Content-Type (Segment and RudderStack clients do this).
  app.addHook('preParsing', async (req, _reply, payload) => {
    const enc = req.headers['content-encoding'];
    if (!enc || enc === 'identity') return payload;
    if (enc !== 'gzip') throw new BraidError('unsupported_media_type', `Content-Encoding ${enc} is not supported (use gzip or none)`);
    const gunzip = createGunzip();
    payload.on('error', (e) => gunzip.destroy(e));
    const out = payload.pipe(gunzip) as typeof gunzip & { receivedEncodedLength?: number };
    delete req.headers['content-length'];
    return out;
  });

  // Every body is parsed as JSON regardless of Content-Type (text/plain beacons, missing headers).
  // Routes with `config.rawBody` (feed uploads) receive the body as a string instead.
  const parseJson = (req: { routeOptions: { config?: { rawBody?: boolean } } }, body: Buffer, done: (err: Error | null, value?: unknown) => void) => {
    (req as unknown as { bodyBytes: number }).bodyBytes = body.length;
    if (req.routeOptions.config?.rawBody) return done(null, body.toString('utf8'));
    if (body.length === 0) return done(null, undefined);
    try { done(null, JSON.parse(body.toString('utf8'))); } catch (e) {
      done(new BraidError('invalid_json', `Body is not valid JSON: ${(e as Error).message}`, { field: 'body' }));
    }
  };
  app.decorateRequest('bodyBytes', 0);
  app.decorateRequest('principal', null as unknown as typeof ANONYMOUS);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, parseJson);

  if (opts.access) {
    const hooks = accessHooks(opts.access, opts.keys);
    app.addHook('onRequest', hooks.onRequest);
    app.addHook('preValidation', hooks.preValidation);
  } else {
    app.addHook('onRequest', async (req) => {
      const scope = req.routeOptions.config?.scope ?? 'admin';
      // Ingest also accepts `writeKey` in the body (as Segment does): without a header its handler checks.
      req.principal = ANONYMOUS;
      if (scope !== 'ingest' || req.headers.authorization) req.principal = authorize(req, scope, opts.keys);
    });
  }

  app.addHook('onResponse', async (req, reply) => {
    opts.metrics.httpDuration.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err: FastifyError | BraidError, req, reply) => {
    if (err instanceof BraidError) {
      if (err.status >= 500) req.log.error({ err }, 'request failed');
      return reply.status(err.status).send({ error: { code: err.code, message: err.message, ...err.details } });
    }
    const fe = err as FastifyError & { validation?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }>; validationContext?: string };
    if (fe.validation && fe.validation.length > 0) {
      const v = fe.validation[0]!;
      const missing = typeof v.params?.missingProperty === 'string' ? v.params.missingProperty : undefined;
      const base = fe.validationContext === 'headers' ? 'headers' : '';
      const field = fieldFromPointer((base ? '/' + base : '') + v.instancePath, missing);
      return reply.status(400).send({ error: { code: 'invalid_request', message: `${field}: ${missing ? 'is required' : v.message ?? 'is invalid'}`, field } });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ error: { code: 'payload_too_large', message: `Body exceeds ${req.routeOptions.bodyLimit ?? BODY_LIMIT} bytes`, field: 'body' } });
    }
    if (fe.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' || (fe.statusCode === 400 && fe.message)) {
      return reply.status(400).send({ error: { code: 'invalid_request', message: fe.message, field: 'body' } });
    }
    if ((fe as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' || (fe as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
      return reply.status(400).send({ error: { code: 'invalid_request', message: 'Body is not valid gzip', field: 'body' } });
    }
    req.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: { code: 'internal', message: 'Internal error' } });
  });

  app.setNotFoundHandler((req, reply) => {
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${req.method} ${req.url.split('?')[0]}` } });
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Braid API', version: opts.version, description: 'Retail personalization and marketing automation engine.' },
      components: {
        securitySchemes: {
          writeKey: { type: 'http', scheme: 'basic', description: 'Segment-style: the write key is the Basic username, password empty.' },
          adminKey: { type: 'http', scheme: 'bearer', description: 'The admin key, an API key (bk_…) or a session token (ses_… from POST /v1/auth/login) as a Bearer token; what it may call depends on its role (docs/access.md).' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  return app;
}
