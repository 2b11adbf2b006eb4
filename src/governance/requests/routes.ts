// HTTP routes of intake and requests for the app, the web form and grid workers: thin adapters.
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { idParams, serviceRequestSchema, unmaskQuery } from '../schema.ts';
import { classifyServiceRequest } from './classify.ts';
import { CLASSIFIERS, newServiceRequestSchema } from './model.ts';
import { addRequestPhoto, getRequestPhoto, listRequestPhotos, PHOTO_MAX_BYTES } from './photos.ts';
import { getServiceRequest, listServiceRequests, requestFilterSchema } from './read.ts';
import { submitServiceRequest } from './submit.ts';

const photoSchema = z.object({
  requestId: z.string(),
  seq: z.number(),
  contentType: z.string(),
  sizeBytes: z.number(),
  sha256: z.string(),
  uploadedBy: z.string(),
  uploadedAt: z.string(),
});

export async function registerRequestRoutes(app: App): Promise<void> {
  app.post(
    '/api/requests',
    {
      schema: {
        summary: 'Report a problem (诉求): from the app, web form, hotline, WeChat, grid patrol, sensors …',
        description:
          'Location from lng/lat, a free-text address, or both (a point more than 300 m from the matched address is flagged). Without a category the request waits in the triage queue. Reporter fields are masked in the answer.',
        tags: ['requests'],
        body: newServiceRequestSchema,
        response: { 201: serviceRequestSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await submitServiceRequest(request.ctx, request.body)),
  );

  app.get(
    '/api/requests',
    {
      schema: {
        summary:
          'Requests within your scope, newest first (reporters masked); status=triage is the triage queue',
        tags: ['requests'],
        querystring: requestFilterSchema,
        response: { 200: z.object({ total: z.number(), items: z.array(serviceRequestSchema) }) },
      },
    },
    async (request) => listServiceRequests(request.ctx, request.query),
  );

  app.get(
    '/api/requests/:id',
    {
      schema: {
        summary:
          'One request; `unmask=reporterPhone` with a `reason` shows the reporter in clear and is logged',
        tags: ['requests'],
        params: idParams,
        querystring: unmaskQuery,
        response: { 200: serviceRequestSchema },
      },
    },
    async (request) =>
      getServiceRequest(request.ctx, request.params.id, {
        fields: request.query.unmask ? request.query.unmask.split(',').map((f) => f.trim()) : [],
        reason: request.query.reason,
      }),
  );

  app.post(
    '/api/requests/:id/classify',
    {
      schema: {
        summary: 'Give a triage item (or a returned order) its category; it is dispatched by the rule',
        tags: ['requests'],
        params: idParams,
        body: z.object({
          category: z.string().min(1).max(48),
          by: z.enum(CLASSIFIERS).optional(),
          confidence: z.number().min(0).max(1).optional(),
        }),
        response: { 200: serviceRequestSchema },
      },
    },
    async (request) => classifyServiceRequest(request.ctx, request.params.id, request.body),
  );

  app.get(
    '/api/requests/:id/photos',
    {
      schema: {
        summary: "A request's photos (without their bytes)",
        tags: ['requests'],
        params: idParams,
        response: { 200: z.object({ photos: z.array(photoSchema) }) },
      },
    },
    async (request) => ({ photos: await listRequestPhotos(request.ctx, request.params.id) }),
  );

  app.get(
    '/api/requests/:id/photos/:seq',
    {
      schema: {
        summary: 'One photo, as the image',
        tags: ['requests'],
        params: idParams.extend({ seq: z.coerce.number().int().min(1) }),
      },
    },
    async (request, reply) => {
      const photo = await getRequestPhoto(request.ctx, request.params.id, request.params.seq);
      return reply
        .type(photo.contentType)
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(photo.bytes));
    },
  );

  // The upload takes the image itself as the body; its parser lives in this child context only.
  await app.register(async (child) => {
    const scoped = child.withTypeProvider<ZodTypeProvider>();
    // Twice the limit: the domain answers a clear 400 up to there, the server a 413 beyond.
    scoped.addContentTypeParser(
      '*',
      { parseAs: 'buffer', bodyLimit: 2 * PHOTO_MAX_BYTES },
      (_request, body, done) => done(null, body),
    );
    scoped.post(
      '/api/requests/:id/photos',
      {
        bodyLimit: 2 * PHOTO_MAX_BYTES,
        schema: {
          summary:
            'Attach a photo: the body is the image (Content-Type image/png, image/jpeg or image/webp, ≤ 5 MB)',
          tags: ['requests'],
          params: idParams,
          response: { 201: photoSchema },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
        const photo = await addRequestPhoto(request.ctx, request.params.id, {
          contentType: request.headers['content-type'] ?? '',
          bytes,
        });
        return reply.status(201).send(photo);
      },
    );
  });
}
