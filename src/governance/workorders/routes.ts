// HTTP routes of work orders for handlers' and grid workers' apps and the command centre.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { historyEntrySchema, idParams, workOrderSchema } from '../schema.ts';
import { WORK_ORDER_ACTIONS, WORK_ORDER_STATES } from './machine.ts';
import { getWorkOrder, listWorkOrders } from './read.ts';
import { transitionWorkOrder } from './transitions.ts';

export function registerWorkOrderRoutes(app: App): void {
  app.get(
    '/api/workorders',
    {
      schema: {
        summary: 'Work orders within your scope (handlers: their agency’s), the most pressing first',
        tags: ['workorders'],
        querystring: z.object({
          status: z
            .string()
            .optional()
            .transform((v) => v?.split(',').filter(Boolean))
            .pipe(z.array(z.enum(WORK_ORDER_STATES)).optional())
            .describe('comma-separated states'),
          agency: z.string().optional(),
          assignee: z.string().optional(),
          category: z.string().optional(),
          overdue: z
            .enum(['true', 'false'])
            .optional()
            .transform((v) => v === 'true'),
          mine: z
            .enum(['true', 'false'])
            .optional()
            .transform((v) => v === 'true')
            .describe('only orders assigned to you'),
          limit: z.coerce.number().int().min(1).max(1000).default(100),
          offset: z.coerce.number().int().min(0).default(0),
        }),
        response: { 200: z.object({ total: z.number(), items: z.array(workOrderSchema) }) },
      },
    },
    async (request) => {
      const { mine, ...filter } = request.query;
      return listWorkOrders(request.ctx, {
        ...filter,
        assignee: mine ? request.ctx.actor.username : filter.assignee,
      });
    },
  );

  app.get(
    '/api/workorders/:id',
    {
      schema: {
        summary: 'One work order with its history (every transition: actor, time, note)',
        tags: ['workorders'],
        params: idParams,
        response: { 200: workOrderSchema.extend({ history: z.array(historyEntrySchema) }) },
      },
    },
    async (request) => getWorkOrder(request.ctx, request.params.id),
  );

  app.post(
    '/api/workorders/:id/actions',
    {
      schema: {
        summary:
          'Act on a work order: accept, feedback, note, resolve, return (handlers); dispatch, reassign, escalate, close, reopen (command centre)',
        description:
          'An action not allowed in the order’s state is a 409; feedback, note, resolve, return and reopen need a note; reassign needs an agency.',
        tags: ['workorders'],
        params: idParams,
        body: z.object({
          action: z.enum(WORK_ORDER_ACTIONS),
          note: z.string().max(2000).optional(),
          agency: z.string().max(64).optional().describe('reassign: the agency taking it over'),
          assignee: z.string().max(64).optional().describe('reassign: a named handler or grid worker'),
        }),
        response: { 200: workOrderSchema },
      },
    },
    async (request) => {
      const { action, note, agency, assignee } = request.body;
      return transitionWorkOrder(request.ctx, request.params.id, action, note, { agency, assignee });
    },
  );
}
