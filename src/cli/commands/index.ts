import type { Command } from 'commander';
import { registerImports } from './imports.ts';
import { registerServe } from './serve.ts';
import { registerUsers } from './users.ts';

export function registerCommands(program: Command): void {
  registerServe(program);
  registerImports(program);
  registerUsers(program);
}
