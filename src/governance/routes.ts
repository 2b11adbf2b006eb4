// Every governance route, registered with one line in src/server/routes.ts.
import type { App } from '../server/app.ts';
import { registerAgencyRoutes } from './agencies/routes.ts';
import { registerCatalogueRoutes } from './catalogue/routes.ts';
import { registerDuplicateRoutes } from './duplicates/routes.ts';
import { registerRequestRoutes } from './requests/routes.ts';
import { registerSlaRoutes } from './sla/routes.ts';
import { registerStatsRoutes } from './stats/routes.ts';
import { registerVisitRoutes } from './visits/routes.ts';
import { registerWorkOrderRoutes } from './workorders/routes.ts';

export async function registerGovernanceRoutes(app: App): Promise<void> {
  registerCatalogueRoutes(app);
  registerAgencyRoutes(app);
  await registerRequestRoutes(app);
  registerDuplicateRoutes(app);
  await registerVisitRoutes(app);
  registerWorkOrderRoutes(app);
  registerSlaRoutes(app);
  registerStatsRoutes(app);
}
