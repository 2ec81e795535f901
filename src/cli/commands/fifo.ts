import type { Command } from 'commander';
import { sizeFifos, SIZING_FRAMES } from '../../compiler/fifo-sizing.js';
import { addDesignOptions, loadAndCompile, type DesignOptions } from '../common.js';
import { printJson, progress } from '../output.js';

export function register(program: Command): void {
  const cmd = program
    .command('fifo')
    .description('size every FIFO by simulation: the smallest depths that keep the analytic II (what fifoDepth: minimal does)')
    .argument('<model>', 'model file (models/*.yaml)');
  addDesignOptions(cmd).action((modelFile: string, o: DesignOptions) => {
    const { model, compiled } = loadAndCompile(modelFile, o.fold);
    const p = progress(o);
    const s = sizeFifos(compiled.integer, compiled.fold, { model: model.sourceFile ?? model.name }, (t) => p.update(`sizing FIFOs: ${t}`));
    p.done();
    const result = {
      ok: s.underVerifyTraffic.finished,
      design: s.plan.top,
      ii: s.ii,
      assumptions: {
        sizing: `${SIZING_FRAMES} frames, back-to-back input, always-ready output; every frame after the second at the analytic II`,
        verifyTraffic: 'the sized design is also run under bnn verify\'s random gaps (p 0.25, up to 3) and backpressure (p 0.3)',
      },
      fifos: s.fifos,
      totalBits: s.fifos.reduce((a, f) => a + f.bits, 0),
      autoBits: s.fifos.reduce((a, f) => a + f.autoBits, 0),
      bitsSaved: s.bitsSaved,
      underVerifyTraffic: s.underVerifyTraffic,
      runs: s.runs,
      simulatedCycles: s.cycles,
      seconds: Math.round(s.seconds * 1000) / 1000,
    };
    if (o.json) printJson(result);
    else if (!o.quiet) {
      const L = [`${s.plan.top}: II ${s.ii} cycles/frame kept with these FIFO depths (${s.runs} simulations, ${s.cycles} cycles, ${s.seconds.toFixed(2)} s)`];
      L.push('fifo                    width  depth  auto  max occ.     bits  memory');
      for (const f of s.fifos)
        L.push(`${f.name.padEnd(22)} ${String(f.width).padStart(6)} ${String(f.depth).padStart(6)} ${String(f.autoDepth).padStart(5)} ${String(f.maxOccupancy).padStart(9)} ${String(f.bits).padStart(8)}  ${f.memory}`);
      L.push(`total ${result.totalBits} bits vs ${result.autoBits} with fifoDepth: auto (${s.bitsSaved} saved)`);
      L.push(`under verify's random traffic: ${s.underVerifyTraffic.finished ? 'finishes' : 'DOES NOT FINISH'} in ${s.underVerifyTraffic.cycles} cycles (auto depths: ${s.underVerifyTraffic.autoCycles})`);
      process.stdout.write(L.join('\n') + '\n');
    }
  });
}
