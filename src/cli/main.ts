#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { reportError } from './output.js';

// `bnn ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command();
program
  .name('bnn')
  .description('Compile trained binary neural networks into streaming FPGA dataflow hardware.')
  .version('0.1.0')
  .showHelpAfterError();
registerCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  process.exitCode = reportError(e, process.argv.includes('--json'));
});
