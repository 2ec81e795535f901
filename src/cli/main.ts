#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { BnnError } from '../errors.js';
import { installSignalCleanup } from '../util/output-safety.js';
import { registerCommands } from './commands/index.js';
import { reportError } from './output.js';

// `bnn ... | head` closes the pipe early: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
installSignalCleanup();

const json = process.argv.includes('--json');
const program = new Command();
program
  .name('bnn')
  .description('Compile trained binary neural networks into streaming FPGA dataflow hardware.')
  .version('0.1.0')
  // Parser errors are usage errors like any other: exit 2, and with --json one JSON object, not text.
  .exitOverride()
  .showHelpAfterError(!json);
if (json) program.configureOutput({ writeErr: () => {}, outputError: () => {} });
registerCommands(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') {
      process.exitCode = e.exitCode;
      return;
    }
    // Commander already printed its message on stderr unless --json silenced it.
    const flag = /'(-[^' ,]+|[^' ]+)/.exec(e.message)?.[1];
    const usage = new BnnError({ code: 'USAGE', message: e.message.replace(/^error: /, ''), field: flag ?? '(command line)', got: e.code.replace(/^commander\./, '') });
    process.exitCode = json ? reportError(usage, true) : 2;
    return;
  }
  process.exitCode = reportError(e, json);
});
