import type { Command } from 'commander';
import { register as board } from './board.js';
import { register as demo } from './demo.js';
import { register as exportOnnx } from './export.js';
import { register as fifo } from './fifo.js';
import { register as fold } from './fold.js';
import { register as generate } from './generate.js';
import { register as importOnnx } from './import.js';
import { register as randomModel } from './random-model.js';
import { register as report } from './report.js';
import { register as run } from './run.js';
import { register as synth } from './synth.js';
import { register as train } from './train.js';
import { register as simulate } from './simulate.js';
import { register as verify } from './verify.js';

/**
 * Every subcommand lives in its own file under src/cli/commands/ and exports one
 * `register(program)` function; this list is the only place that knows them all.
 */
export function registerCommands(program: Command): void {
  generate(program);
  simulate(program);
  verify(program);
  randomModel(program);
  importOnnx(program);
  exportOnnx(program);
  demo(program);
  synth(program);
  train(program);
  report(program);
  board(program);
  run(program);
  fifo(program);
  fold(program);
}
