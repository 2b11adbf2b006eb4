import type { Command } from 'commander';
import { registerServe } from './serve.ts';

export function registerCommands(program: Command): void {
  registerServe(program);
}
