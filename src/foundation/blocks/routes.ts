// The block view over HTTP.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { getBlock } from './block.ts';

export async function registerBlockRoutes(app: App): Promise<void> {
  app.get(
    '/api/blocks/:areaId',
    {
      schema: {
        summary:
          'An area of any level: population by age band and residency, households, companies by industry, rooms by use and rental state, licences expiring, city components',
        tags: ['blocks'],
        params: z.object({ areaId: z.string() }),
        querystring: z.object({
          as_of: z
            .string()
            .optional()
            .describe('the day ages and expiries count from (YYYY-MM-DD; default today)'),
        }),
      },
    },
    async (request) => getBlock(request.ctx, request.params.areaId, { asOf: request.query.as_of }),
  );
}
