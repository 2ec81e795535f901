#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands/index.js';
import { reportError } from './output.js';

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
