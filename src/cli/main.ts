// The `citybrain` command. Each subcommand lives in its own file under commands/ and is a thin
// adapter: parse options → call the domain → print. Failures exit non-zero with one line.
import { Command, CommanderError } from 'commander';
import { DomainError, formatProblem } from '../lib/errors.ts';
import { registerCommands } from './commands/index.ts';

const program = new Command('citybrain')
  .description('城区大脑 citybrain: a district brain built on the standard address library and the grid tree')
  .showHelpAfterError()
  .exitOverride();

registerCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = reportFailure(error);
}

function reportFailure(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode;
  if (error instanceof DomainError) {
    console.error(`citybrain: ${error.message}`);
    for (const problem of error.problems.slice(0, 20)) console.error(`  ${formatProblem(problem)}`);
    if (error.problems.length > 20) console.error(`  … and ${error.problems.length - 20} more`);
    return 1;
  }
  const message = error instanceof Error ? error.message : String(error);
  console.error(`citybrain: ${message}`);
  if (process.env.CITYBRAIN_DEBUG && error instanceof Error) console.error(error.stack);
  return 1;
}
