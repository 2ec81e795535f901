import { BnnError } from '../errors.js';
import { deviceNamed } from '../synth/devices.js';
import { foldForDevice, foldForThroughput, type FoldChoice, type FoldPoint } from './auto-fold.js';
import type { IntegerModel } from '../model/integer-model.js';

/** What `--fold auto` aims at: a frame rate at a clock, or a device to fill. */
export type FoldTarget = { fps: number; clockMHz: number } | { device: string };

/** What a run that folded automatically reports of its choice: the same record `bnn fold --json` prints. */
export interface AutoFoldRecord {
  target: FoldChoice['target'];
  chosen: FoldPoint;
  pareto: FoldPoint[];
  considered: number;
}

export function chooseFolding(im: IntegerModel, target: FoldTarget): FoldChoice {
  if ('device' in target) {
    const device = deviceNamed(target.device);
    if (!device) throw new BnnError({ code: 'USAGE', message: 'unknown device', field: '--device', got: JSON.stringify(target.device) });
    return foldForDevice(im, device);
  }
  return foldForThroughput(im, target.fps, target.clockMHz);
}

export function autoFoldRecord(c: FoldChoice): AutoFoldRecord {
  return { target: c.target, chosen: c.chosen, pareto: c.front, considered: c.considered };
}
