import type { Command } from 'commander';
import { registerServe } from './serve.ts';
import { registerUsers } from './users.ts';

export function registerCommands(program: Command): void {
  registerServe(program);
  registerUsers(program);
}
