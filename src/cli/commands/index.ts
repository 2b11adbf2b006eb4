import type { Command } from 'commander';
import { registerAddress } from './address.ts';
import { registerAddressMatch } from './address-match.ts';
import { registerAgencies } from './agencies.ts';
import { registerApiKey } from './apikey.ts';
import { registerAreas } from './areas.ts';
import { registerClassifier } from './classifier.ts';
import { registerDemo } from './demo.ts';
import { registerImports } from './imports.ts';
import { registerIngest } from './ingest.ts';
import { registerProfiles } from './profiles.ts';
import { registerQuality } from './quality.ts';
import { registerRegistry } from './registry.ts';
import { registerRequests } from './requests.ts';
import { registerServe } from './serve.ts';
import { registerSla } from './sla.ts';
import { registerSources } from './sources.ts';
import { registerUsers } from './users.ts';

export function registerCommands(program: Command): void {
  registerServe(program);
  registerAreas(program);
  registerAddress(program);
  registerImports(program);
  registerUsers(program);
  registerDemo(program);
  registerAddressMatch(program);
  registerIngest(program);
  registerSources(program);
  registerRegistry(program);
  registerQuality(program);
  registerProfiles(program);
  registerApiKey(program);
  registerClassifier(program);
  registerAgencies(program);
  registerRequests(program);
  registerSla(program);
}
