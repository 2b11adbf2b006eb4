import type { Command } from 'commander';
import { registerAddress } from './address.ts';
import { registerAddressMatch } from './address-match.ts';
import { registerAreas } from './areas.ts';
import { registerDemo } from './demo.ts';
import { registerImports } from './imports.ts';
import { registerServe } from './serve.ts';
import { registerUsers } from './users.ts';

export function registerCommands(program: Command): void {
  registerServe(program);
  registerAreas(program);
  registerAddress(program);
  registerImports(program);
  registerUsers(program);
  registerDemo(program);
  registerAddressMatch(program);
}
