// Open311 GeoReport v2 under /open311/v2: discovery, services, service definitions, requests (POST,
// list, one) and tokens, each as .json or .xml. Public (no bearer token); POST needs an api_key.
// Errors take the spec's shape with 400, 403 or 404, in the format the URL asked for.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/db.ts';
import { DomainError, formatProblem } from '../../lib/errors.ts';
import type { App } from '../../server/app.ts';
import { ensureGovernance } from '../reference.ts';
import { type ApiKeyInfo, apiKeyChecker } from './apikeys.ts';
import { Open311Error, open311Error } from './errors.ts';
import { type FormBody, formFromJson, parseForm } from './form.ts';
import {
  createRequest,
  discovery,
  parseRequestQuery,
  queryRequests,
  requestById,
  serviceDefinition,
  services,
  tokenLookup,
} from './service.ts';
import { toXml, type XmlValue } from './xml.ts';

type Format = 'json' | 'xml';
type Query = Record<string, string | undefined>;

const CONTENT_TYPES: Record<Format, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'text/xml; charset=utf-8',
};

/** The format named by the path's extension (errors before routing still answer in it). */
function formatOf(request: FastifyRequest): Format {
  return /\.xml(?:\?|$)/.test(request.url) ? 'xml' : 'json';
}

function send(reply: FastifyReply, format: Format, root: string, value: XmlValue, status = 200) {
  return reply
    .status(status)
    .header('content-type', CONTENT_TYPES[format])
    .send(format === 'xml' ? toXml(root, value) : JSON.stringify(value));
}

function mapError(error: FastifyError | Error): Open311Error | null {
  if (error instanceof Open311Error) return error;
  if (error instanceof DomainError) {
    const status =
      error.code === 'not_found'
        ? 404
        : error.code === 'forbidden' || error.code === 'unauthorized'
          ? 403
          : 400;
    return new Open311Error(status, [
      { code: status, description: error.message },
      ...error.problems.map((p) => ({ code: status, description: formatProblem(p) })),
    ]);
  }
  const status = (error as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return open311Error(status === 404 ? 404 : status === 403 ? 403 : 400, error.message);
  return null;
}

/** `services.json` → 'json'; anything else is a resource that does not exist. */
function formatParam(value: string): Format {
  if (value === 'json' || value === 'xml') return value;
  throw open311Error(404, `unknown format .${value}: use .json or .xml`);
}

const apiKeyCheckers = new WeakMap<Db, (key: string) => Promise<ApiKeyInfo | null>>();

async function requireApiKey(db: Db, key: string | undefined): Promise<ApiKeyInfo> {
  if (!key) throw open311Error(403, "api_key was not provided -- can't proceed with create_request.");
  let check = apiKeyCheckers.get(db);
  if (!check) {
    check = apiKeyChecker(db);
    apiKeyCheckers.set(db, check);
  }
  const info = await check(key);
  if (!info) throw open311Error(403, "Invalid api_key received -- can't proceed with create_request.");
  return info;
}

const config = { public: true };
const docs = (summary: string) => ({ summary, tags: ['open311'], security: [] });

export async function registerOpen311Routes(app: App): Promise<void> {
  await app.register(
    async (scope: FastifyInstance) => {
      scope.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 64 * 1024 },
        (_request, body, done) => done(null, parseForm(body as string)),
      );
      scope.setErrorHandler((error: FastifyError, request, reply) => {
        const mapped = mapError(error);
        if (mapped) return send(reply, formatOf(request), 'errors', mapped.errors, mapped.status);
        request.log.error({ err: error, requestId: request.id }, 'unexpected error');
        console.error(`[${request.id}]`, error);
        const body = [
          { code: 500, description: `General service error; please tell us the request id ${request.id}` },
        ];
        return send(reply, formatOf(request), 'errors', body, 500);
      });
      scope.setNotFoundHandler((request, reply) =>
        send(
          reply,
          formatOf(request),
          'errors',
          [{ code: 404, description: `no such Open311 resource: ${request.url.split('?')[0]}` }],
          404,
        ),
      );

      scope.get(
        '/discovery.:format',
        { config, schema: docs('Service discovery') },
        async (request, reply) => {
          const { format } = request.params as { format: string };
          const base = `${request.protocol}://${request.host}`;
          await ensureGovernance(request.ctx.db);
          const [row] = await request.ctx.db.query<{ at: Date | string | null }>(
            'SELECT max(loaded_at) AS at FROM gov_reference_loads',
          );
          const changeset = row?.at ? new Date(row.at).toISOString() : '1970-01-01T00:00:00.000Z';
          return send(reply, formatParam(format), 'discovery', discovery(base, changeset));
        },
      );

      scope.get(
        '/services.:format',
        { config, schema: docs('Service list: the categories one can report') },
        async (request, reply) => {
          const { format } = request.params as { format: string };
          const f = formatParam(format);
          return send(reply, f, 'services', await services(request.ctx, request.query as Query));
        },
      );

      scope.get(
        '/services/:service_code.:format',
        { config, schema: docs('Service definition (attributes)') },
        async (request, reply) => {
          const { service_code, format } = request.params as { service_code: string; format: string };
          const f = formatParam(format);
          return send(
            reply,
            f,
            'service_definition',
            await serviceDefinition(request.ctx, service_code, request.query as Query),
          );
        },
      );

      scope.post(
        '/requests.:format',
        { config, schema: docs('Create a service request (needs api_key)') },
        async (request, reply) => {
          const { format } = request.params as { format: string };
          const f = formatParam(format);
          const form: FormBody =
            request.body &&
            typeof request.body === 'object' &&
            'fields' in request.body &&
            'attributes' in request.body
              ? (request.body as FormBody)
              : formFromJson(request.body);
          // The spec's clients send api_key in the form; some put it in the query string.
          const query = request.query as Query;
          const key = await requireApiKey(request.ctx.db, form.fields.api_key || query.api_key);
          const created = await createRequest(
            request.ctx,
            key,
            form,
            (form.fields.extensions ?? query.extensions) === 'true',
          );
          return send(reply, f, 'service_requests', [{ ...created }]);
        },
      );

      scope.get(
        '/requests.:format',
        {
          config,
          schema: docs(
            'Service requests (last 90 days, at most 1,000 by default; page, page_size, extensions). ' +
              'x-total-count: the matches, exact up to 1,000 and estimated beyond (x-total-count-estimated: true)',
          ),
        },
        async (request, reply) => {
          const { format } = request.params as { format: string };
          const f = formatParam(format);
          const query = parseRequestQuery(request.query as Query);
          const { total, totalEstimated, requests } = await queryRequests(request.ctx, query);
          reply.header('x-total-count', String(total));
          if (totalEstimated) reply.header('x-total-count-estimated', 'true');
          return send(reply, f, 'service_requests', requests as XmlValue);
        },
      );

      scope.get(
        '/requests/:id.:format',
        { config, schema: docs('One service request') },
        async (request, reply) => {
          const { id, format } = request.params as { id: string; format: string };
          const f = formatParam(format);
          return send(
            reply,
            f,
            'service_requests',
            (await requestById(request.ctx, id, request.query as Query)) as XmlValue,
          );
        },
      );

      scope.get(
        '/tokens/:token.:format',
        { config, schema: docs('The service_request_id behind a token') },
        async (request, reply) => {
          const { token, format } = request.params as { token: string; format: string };
          const f = formatParam(format);
          return send(
            reply,
            f,
            'service_requests',
            await tokenLookup(request.ctx, token, request.query as Query),
          );
        },
      );
    },
    { prefix: '/open311/v2' },
  );
}
