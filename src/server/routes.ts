// Every domain registers its own routes here; the layout of this list mirrors src/.
import { registerAccessRoutes } from '../foundation/access/routes.ts';
import { registerAddressMatchRoutes } from '../foundation/address/match/routes.ts';
import { registerAddressRoutes } from '../foundation/address/routes.ts';
import { registerAreaRoutes } from '../foundation/areas/routes.ts';
import { registerBlockRoutes } from '../foundation/blocks/routes.ts';
import { registerFusionRoutes } from '../foundation/fusion/routes.ts';
import { registerImportRoutes } from '../foundation/imports/routes.ts';
import { registerProfileRoutes } from '../foundation/profiles/routes.ts';
import { registerQualityRoutes } from '../foundation/quality/routes.ts';
import { registerRegistryRoutes } from '../foundation/registry/routes.ts';
import { registerClassifierRoutes } from '../governance/classifier/routes.ts';
import { registerOpen311Routes } from '../governance/open311/routes.ts';
import { registerGovernanceRoutes } from '../governance/routes.ts';
import type { App } from './app.ts';

export async function registerRoutes(app: App): Promise<void> {
  await registerAccessRoutes(app);
  await registerAreaRoutes(app);
  await registerImportRoutes(app);
  registerAddressRoutes(app);
  await registerAddressMatchRoutes(app);
  await registerRegistryRoutes(app);
  await registerFusionRoutes(app);
  await registerQualityRoutes(app);
  await registerProfileRoutes(app);
  await registerBlockRoutes(app);
  await registerGovernanceRoutes(app);
  await registerOpen311Routes(app);
  await registerClassifierRoutes(app);
}
