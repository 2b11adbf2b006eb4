// Every domain registers its own routes here; the layout of this list mirrors src/.
import { registerAccessRoutes } from '../foundation/access/routes.ts';
import { registerAddressMatchRoutes } from '../foundation/address/match/routes.ts';
import { registerAddressRoutes } from '../foundation/address/routes.ts';
import { registerAreaRoutes } from '../foundation/areas/routes.ts';
import { registerImportRoutes } from '../foundation/imports/routes.ts';
import type { App } from './app.ts';

export async function registerRoutes(app: App): Promise<void> {
  await registerAccessRoutes(app);
  await registerAreaRoutes(app);
  await registerImportRoutes(app);
  registerAddressRoutes(app);
  await registerAddressMatchRoutes(app);
}
