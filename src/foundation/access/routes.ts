// Who am I, users, tokens, and the two trails. Thin adapters over users.ts, masking.ts, audit.ts.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { listAudit } from './audit.ts';
import { listAccessLog, maskRecord, revealRecord } from './masking.ts';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES, SCOPE_KINDS } from './roles.ts';
import { createToken, createUser, listUsers, readUser, revokeToken, USER_PERSONAL_FIELDS } from './users.ts';

const scopeSchema = z.object({ kind: z.enum(SCOPE_KINDS), id: z.string() });
const userSchema = z.object({
  username: z.string(),
  displayName: z.string(),
  phone: z.string().nullable(),
  role: z.enum(ROLES),
  scope: scopeSchema,
  createdAt: z.string(),
  disabled: z.boolean(),
});
const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);

export async function registerAccessRoutes(app: App): Promise<void> {
  app.get(
    '/api/me',
    {
      schema: {
        summary: 'The caller: user, role, scope and permissions',
        tags: ['access'],
        response: {
          200: z.object({
            username: z.string(),
            role: z.enum(ROLES),
            scope: scopeSchema,
            permissions: z.array(z.enum(PERMISSIONS)),
          }),
        },
      },
    },
    async (request) => {
      const { actor } = request.ctx;
      return { ...actor, permissions: [...ROLE_PERMISSIONS[actor.role]] };
    },
  );

  app.get(
    '/api/users',
    {
      schema: {
        summary: 'Users within your scope (names and phones masked)',
        tags: ['access'],
        response: { 200: z.array(userSchema) },
      },
    },
    async (request) => (await listUsers(request.ctx)).map((u) => maskRecord(u, USER_PERSONAL_FIELDS)),
  );

  app.get(
    '/api/users/:username',
    {
      schema: {
        summary: 'One user; `unmask=displayName,phone` with a `reason` shows them in clear and is logged',
        tags: ['access'],
        params: z.object({ username: z.string() }),
        querystring: z.object({
          unmask: z.string().optional().describe('comma-separated personal fields to show in clear'),
          reason: z
            .string()
            .max(200)
            .optional()
            .describe('why you need the clear values (kept in the access log)'),
        }),
        response: { 200: userSchema },
      },
    },
    async (request) => {
      const user = await readUser(request.ctx, request.params.username);
      const fields = request.query.unmask ? request.query.unmask.split(',').map((f) => f.trim()) : [];
      return revealRecord(request.ctx, { kind: 'user', id: user.username }, user, USER_PERSONAL_FIELDS, {
        fields,
        reason: request.query.reason,
      });
    },
  );

  app.post(
    '/api/users',
    {
      schema: {
        summary: 'Create a user (admin)',
        tags: ['access'],
        body: z.object({
          username: z.string(),
          displayName: z.string(),
          phone: z.string().optional(),
          role: z.enum(ROLES),
          scope: scopeSchema,
        }),
        response: { 201: userSchema },
      },
    },
    async (request, reply) => {
      const user = await createUser(request.ctx, request.body);
      return reply.status(201).send(maskRecord(user, USER_PERSONAL_FIELDS));
    },
  );

  app.post(
    '/api/users/:username/tokens',
    {
      schema: {
        summary: 'Issue an API token for a user (admin); the secret is shown once',
        tags: ['access'],
        params: z.object({ username: z.string() }),
        body: z.object({
          name: z.string().max(100).optional(),
          expiresInDays: z.number().int().min(1).optional(),
        }),
        response: {
          201: z.object({
            id: z.string(),
            username: z.string(),
            name: z.string(),
            token: z.string(),
            expiresAt: z.string().nullable(),
          }),
        },
      },
    },
    async (request, reply) => {
      const token = await createToken(request.ctx, { username: request.params.username, ...request.body });
      return reply.status(201).send(token);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      schema: {
        summary: 'Revoke an API token (admin)',
        tags: ['access'],
        params: z.object({ id: z.string().regex(/^\d+$/) }),
      },
    },
    async (request, reply) => {
      await revokeToken(request.ctx, request.params.id);
      return reply.status(204).send();
    },
  );

  app.get(
    '/api/audit',
    {
      schema: {
        summary: 'The audit trail: who changed what (newest first)',
        tags: ['access'],
        querystring: z.object({
          entityKind: z.string().optional(),
          entityId: z.string().optional(),
          limit: limitSchema,
        }),
      },
    },
    async (request) => listAudit(request.ctx, request.query),
  );

  app.get(
    '/api/access-log',
    {
      schema: {
        summary: 'Unmasked reads of personal data: who read whose record, which fields, why',
        tags: ['access'],
        querystring: z.object({
          subjectKind: z.string().optional(),
          subjectId: z.string().optional(),
          actor: z.string().optional(),
          limit: limitSchema,
        }),
      },
    },
    async (request) => listAccessLog(request.ctx, request.query),
  );
}
