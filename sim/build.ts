import type { PlanBlock } from '../src/plan/types.js';
import { BinarizeSim } from './binarize.js';
import type { SimBlock } from './block.js';
import { DwcSim } from './dwc.js';
import { FifoSim } from './fifo.js';
import { LabelSelectSim } from './label-select.js';
import { MvtuSim } from './mvtu.js';
import { PoolSim } from './pool.js';
import { SwgSim } from './swg.js';

/** One twin per template, chosen by the plan block's kind. */
export function twinFor(b: PlanBlock): SimBlock {
  switch (b.kind) {
    case 'binarize':
      return new BinarizeSim(b);
    case 'fifo':
      return new FifoSim(b);
    case 'dwc':
      return new DwcSim(b);
    case 'mvtu':
      return new MvtuSim(b);
    case 'label_select':
      return new LabelSelectSim(b);
    case 'swg':
      return new SwgSim(b);
    case 'pool':
      return new PoolSim(b);
  }
}
