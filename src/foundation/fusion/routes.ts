// Feeds over HTTP: the known sources, uploading a delivery, and the clerical review of links.
// An upload is spooled to a temporary file and ingested exactly as `citybrain ingest` does.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { invalidInput } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { requirePermission } from '../access/context.ts';
import { ENTITY_KINDS } from '../registry/model.ts';
import { type IngestSummary, ingestFeed } from './ingest.ts';
import { loadSources, sourceMapping } from './mapping.ts';
import { decideLinkReview, listLinkReviews } from './reviews.ts';
import { listSources } from './sources.ts';

/** Largest upload accepted: a scale-1 population register is ~300 MB. */
const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
/** Problems returned with the answer; all of them are in the import log. */
const SHOWN_PROBLEMS = 100;

export async function registerFusionRoutes(app: App): Promise<void> {
  app.get(
    '/api/sources',
    {
      schema: {
        summary: 'Department sources: their mapping (targets, fields, key, priorities) and deliveries so far',
        tags: ['feeds'],
      },
    },
    async (request) => listSources(request.ctx),
  );

  // The raw-body parser stays inside this plugin, so no other route reads CSV bodies.
  await app.register(async (scope: App) => {
    scope.addContentTypeParser(['text/csv', 'application/octet-stream'], (_request, payload, done) =>
      done(null, payload),
    );
    scope.post(
      '/api/ingest/:source',
      {
        schema: {
          summary:
            'Ingest one delivery of a source (the file as the body, text/csv or application/octet-stream)',
          description:
            'Validates, standardises addresses, links and upserts with provenance in one transaction. The same bytes under the same mapping are not ingested twice (unless force). Rejected rows and warnings: GET /api/imports/{importId}/problems.',
          tags: ['feeds'],
          params: z.object({ source: z.string().min(1) }),
          querystring: z.object({
            file: z
              .string()
              .min(1)
              .max(200)
              .optional()
              .describe('the original file name (shown in the import log)'),
            delivered_at: z.iso
              .datetime({ offset: true })
              .or(z.iso.date())
              .optional()
              .describe('when the department produced the file (default: a date in the file name, else now)'),
            force: z.coerce.boolean().default(false),
          }),
        },
      },
      async (request) => {
        requirePermission(request.ctx, 'feeds:write');
        const mapping = sourceMapping(loadSources(), request.params.source);
        const { file, delivered_at: deliveredAt, force } = request.query;
        const dir = await mkdtemp(join(tmpdir(), 'citybrain-upload-'));
        const name = basename(file ?? `${mapping.source}.csv`);
        const path = join(dir, name);
        try {
          await pipeline(request.body as Readable, limitBytes(MAX_UPLOAD_BYTES), createWriteStream(path));
          const summary = await ingestFeed(request.ctx, mapping, path, {
            fileName: name,
            force,
            deliveredAt: deliveredAt
              ? new Date(deliveredAt.length === 10 ? `${deliveredAt}T00:00:00+08:00` : deliveredAt)
              : undefined,
          });
          return summaryView(summary);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
    );
  });

  app.get(
    '/api/fusion/link-reviews',
    {
      schema: {
        summary:
          'Records whose probabilistic link needs a person: the weights per field and the best candidates',
        tags: ['feeds'],
        querystring: z.object({
          kind: z.enum(ENTITY_KINDS).optional(),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
      },
    },
    async (request) => listLinkReviews(request.ctx, request.query),
  );

  app.post(
    '/api/fusion/link-reviews/:recordId',
    {
      schema: {
        summary: 'Decide a link in review: this entity, or a new one',
        tags: ['feeds'],
        params: z.object({ recordId: z.string().regex(/^\d+$/, 'a source record number') }),
        body: z.union([
          z.strictObject({ entity_id: z.string().regex(/^\d+$/), note: z.string().max(500).optional() }),
          z.strictObject({ new: z.literal(true), note: z.string().max(500).optional() }),
        ]),
      },
    },
    async (request) => {
      const body = request.body;
      return decideLinkReview(
        request.ctx,
        request.params.recordId,
        'entity_id' in body
          ? { entityId: body.entity_id, note: body.note }
          : { newEntity: true, note: body.note },
      );
    },
  );
}

function summaryView(summary: IngestSummary) {
  const { problems, ...rest } = summary;
  return { ...rest, problemCount: problems.length, problems: problems.slice(0, SHOWN_PROBLEMS) };
}

function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > max) done(invalidInput(`the upload exceeds ${max} bytes`));
      else done(null, chunk);
    },
  });
}
