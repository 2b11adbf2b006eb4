// The HTTP application: plugins, authentication, error mapping and each domain's routes.
import { randomUUID } from 'node:crypto';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Db } from '../db/db.ts';
import type { Ctx } from '../foundation/access/context.ts';
import { authenticateToken } from '../foundation/access/tokens.ts';
import { unauthorized } from '../lib/errors.ts';
import { errorHandler } from './errors.ts';
import { registerRoutes } from './routes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    ctx: Ctx;
  }
  interface FastifyContextConfig {
    /** Reachable without a token (health, public endpoints). */
    public?: boolean;
  }
}

/** The app as route modules see it: zod schemas type each handler's request and reply. */
export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface AppOptions {
  db: Db;
  logger?: boolean;
}

export async function buildApp({ db, logger = false }: AppOptions): Promise<App> {
  const app: App = Fastify({
    logger,
    genReqId: () => randomUUID(),
    bodyLimit: 10 * 1024 * 1024,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'citybrain API',
        description:
          '城区大脑 district brain: standard addresses, the area tree (district → subdistrict → community → grid) and the platforms built on them. Authenticate with `Authorization: Bearer <token>` (`citybrain token create`).',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.decorateRequest('ctx');
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (!request.url.startsWith('/api/') || request.routeOptions.config.public) {
      request.ctx = { db, actor: ANONYMOUS, requestId: request.id };
      return;
    }
    const header = request.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    const actor = token ? await authenticateToken(db, token) : null;
    if (!actor) throw unauthorized();
    request.ctx = { db, actor, requestId: request.id };
  });

  app.get('/api/health', { config: { public: true }, schema: { hide: true } }, async () => ({
    status: 'ok',
    database: db.kind,
  }));
  await registerRoutes(app);
  return app;
}

/** Public endpoints act as nobody: an actor whose scope covers nothing and whose role reads only. */
const ANONYMOUS = {
  username: 'anonymous',
  role: 'external_consumer',
  scope: { kind: 'agency', id: '' },
} as const;
