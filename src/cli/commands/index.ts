import type { Command } from 'commander';

/**
 * Every subcommand lives in its own file under src/cli/commands/ and exports one
 * `register(program)` function; this list is the only place that knows them all.
 */
export function registerCommands(program: Command): void {
  void program;
}
