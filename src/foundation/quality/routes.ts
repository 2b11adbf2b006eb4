// Data quality over HTTP: the checks per source and per registry.
import { z } from 'zod';
import type { App } from '../../server/app.ts';
import { qualityReport } from './report.ts';

export async function registerQualityRoutes(app: App): Promise<void> {
  app.get(
    '/api/quality',
    {
      schema: {
        summary:
          'Data quality per source and per registry: named checks (completeness, validity, uniqueness, consistency, timeliness, address match) with status, observed value, threshold and example rows',
        description:
          'District-wide readers with imports:read and registry:read. Personal values in examples are masked.',
        tags: ['quality'],
        querystring: z.object({
          source: z.string().optional().describe('only this source (registry checks are left out)'),
          status: z.enum(['pass', 'warn', 'fail']).optional().describe('only checks with this status'),
        }),
      },
    },
    async (request) => {
      const report = await qualityReport(request.ctx, { source: request.query.source });
      const { status } = request.query;
      return status ? { ...report, checks: report.checks.filter((c) => c.status === status) } : report;
    },
  );
}
