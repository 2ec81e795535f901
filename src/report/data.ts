import type { Activation, Model } from '../model/types.js';
import { activationQuant } from '../model/elements.js';
import type { Plan } from '../plan/types.js';
import { mvtuLevels, mvtuPopcountName, type MvtuPadding } from '../blocks/mvtu.js';
import { estimatePlan, type PlanEstimate } from '../synth/estimate.js';
import { randomFrames } from '../inputs/frames.js';
import type { SynthReport } from '../synth/run.js';
import { simulate } from '../../sim/simulate.js';
import { foldFront } from '../compiler/auto-fold.js';
import { foldThresholds } from '../compiler/fold-thresholds.js';

/** Everything the HTML report shows, as plain data (also what `bnn report --json` prints). */
export interface ReportData {
  title: string;
  generated: string;
  model: {
    name: string;
    source: string;
    /** activation: its kind, with the output levels of a multi-bit one (e.g. `batchnorm, A2: 3 levels from -1`); activationBits: bits per output element (1: sign). */
    layers: Array<{ name: string; kind: string; shape: string; activation: string; activationBits: number | null; weights: number }>;
    weights: number;
    testAccuracy: number | null;
  };
  fold: string;
  blocks: Array<{
    name: string;
    kind: string;
    layer: string | null;
    cyclesPerFrame: number;
    bottleneck: boolean;
    pe: number | null;
    simd: number | null;
    /** A padded engine: real → padded MW/MH and what the pad costs (src/compiler/padding.ts). */
    padding: MvtuPadding | null;
    /** MVTU popcount implementation (plan params.POPCOUNT, rtl-templates/popcount.v IMPL), by name. */
    popcount: string | null;
    /** Bits per element on the block's input and output streams (an MVTU's activation bits in and out; scores: the accumulator width). */
    bits: { in: number; out: number };
    /**
     * MVTU threshold stage: thresholds per neuron, element bias, threshold memory bits (NF words of PE·(T·T_W + 1)),
     * and where the plan put that memory (params.THRESH_RAM, the mvtuThreshRam rule).
     */
    thresholds: { perNeuron: number; outBias: number; memoryBits: number; memory: 'block RAM' | 'LUT ROM' } | null;
    estimate: PlanEstimate['blocks'][number]['estimate'];
    yosys: { lut: number; lutram: number; ff: number; bram36: number; carry4: number } | null;
    sim: { busy: number; stall: number; idle: number };
  }>;
  ii: { analytic: number; measured: number | null; bottleneck: string };
  latencyCycles: number | null;
  lanes: number;
  totals: { estimate: PlanEstimate['total']; yosys: { lut: number; lutram: number; ff: number; bram36: number } | null };
  targets: Array<{ target: string; fits: boolean | null; fmaxMHz: number | null; clockMHz: number; clockSource: string; framesPerSecond: number; latencyNs: number | null; note: string }>;
  /** The foldings bnn fold considers best for each II (estimates), beside this design. */
  pareto: Array<{ ii: number; lut: number; bram36: number; folding: string }>;
}

/** An activation by kind, with a multi-bit one's levels; and its output element bits (null: scores). */
function activationSummary(a: Activation | undefined): { activation: string; activationBits: number | null } {
  if (!a) return { activation: '', activationBits: null };
  if (a.kind === 'none') return { activation: 'none', activationBits: null };
  const q = activationQuant(a);
  if (!q) return { activation: a.kind, activationBits: 1 };
  return { activation: `${a.kind}, A${q.bits}: ${q.levels} levels from ${q.outBias}`, activationBits: q.bits };
}

/** One line per layer, whatever its kind (the model format grows: dense, conv2d, maxpool2d). */
function layerSummary(l: Model['layers'][number]): ReportData['model']['layers'][number] {
  const any = l as unknown as Record<string, unknown>;
  const act = activationSummary(any.activation as Activation | undefined);
  const rows = Array.isArray(any.weights) ? (any.weights as unknown[]).length : 0;
  if (typeof any.inputs === 'number' && typeof any.outputs === 'number')
    return { name: l.name, kind: l.kind, shape: `${any.inputs} → ${any.outputs}`, ...act, weights: any.inputs * any.outputs };
  if (typeof any.inChannels === 'number' && typeof any.outChannels === 'number' && typeof any.kernel === 'number')
    return { name: l.name, kind: l.kind, shape: `${any.inChannels} → ${any.outChannels} ch, ${any.kernel}×${any.kernel}`, ...act, weights: any.inChannels * any.outChannels * any.kernel * any.kernel };
  return { name: l.name, kind: l.kind, shape: typeof any.kernel === 'number' ? `${any.kernel}×${any.kernel}` : '', ...act, weights: rows };
}

export function reportData(model: Model, plan: Plan, opts: { synth?: SynthReport; frames?: number; clockMHz?: number; now?: Date } = {}): ReportData {
  const frames = opts.frames ?? 4;
  const { report } = simulate(plan, randomFrames(model, frames, 1));
  const est = estimatePlan(plan);
  const xc7 = opts.synth?.targets.find((t) => t.target === 'xc7')?.xilinx;
  const sims = new Map(report.blocks.map((b) => [b.name, b]));
  const acc = model.metadata.testAccuracy;
  const ii = report.cycles.ii.measured ?? plan.ii.cycles;
  const clock = opts.clockMHz ?? 100;
  const targets: ReportData['targets'] = (opts.synth?.targets ?? []).map((t) => ({
    target: t.target,
    fits: t.fits,
    fmaxMHz: t.fmaxMHz,
    clockMHz: t.clockMHz,
    clockSource: t.clockSource,
    framesPerSecond: t.framesPerSecond,
    latencyNs: t.latencyNs,
    note: t.message ?? (t.bitstream ? `bitstream ${t.bitstream}` : ''),
  }));
  if (!targets.some((t) => t.target === 'xc7'))
    targets.push({
      target: `any (at ${clock} MHz)`,
      fits: null,
      fmaxMHz: null,
      clockMHz: clock,
      clockSource: 'requested-clock',
      framesPerSecond: (clock * 1e6) / ii,
      latencyNs: report.cycles.latency === null ? null : (report.cycles.latency * 1e3) / clock,
      note: 'not synthesized: cycles from the simulator at an assumed clock',
    });
  return {
    title: `${plan.top}: BNN dataflow report`,
    generated: (opts.now ?? new Date()).toISOString(),
    model: {
      name: model.name,
      source: plan.source.model,
      layers: model.layers.map(layerSummary),
      weights: model.layers.reduce((a, l) => a + layerSummary(l).weights, 0),
      testAccuracy: typeof acc === 'number' && Number.isFinite(acc) ? acc : null,
    },
    fold: plan.source.fold,
    blocks: plan.blocks.map((b, i) => {
      const s = sims.get(b.name);
      const y = xc7?.blocks.find((x) => x.block === b.name)?.resources;
      return {
        name: b.name,
        kind: b.kind,
        layer: b.layer ?? null,
        cyclesPerFrame: b.cyclesPerFrame,
        bottleneck: b.name === plan.ii.bottleneck,
        pe: b.kind === 'mvtu' ? b.params.PE : null,
        simd: b.kind === 'mvtu' ? b.params.SIMD : null,
        padding: b.kind === 'mvtu' ? (b.padding ?? null) : null,
        popcount: b.kind === 'mvtu' ? mvtuPopcountName(b.params) : null,
        bits: { in: b.in.elemBits, out: b.out.elemBits },
        thresholds:
          b.kind === 'mvtu' && b.thresholds
            ? { perNeuron: mvtuLevels(b.params).count, outBias: mvtuLevels(b.params).bias, memoryBits: b.thresholds.width * b.thresholds.depth, memory: b.params.THRESH_RAM ? 'block RAM' : 'LUT ROM' }
            : null,
        estimate: est.blocks[i]!.estimate,
        yosys: y ? { lut: y.lut, lutram: y.lutram, ff: y.ff, bram36: y.bram36, carry4: y.carry4 } : null,
        sim: { busy: s?.busy ?? 0, stall: s?.stall ?? 0, idle: s?.idle ?? 0 },
      };
    }),
    ii: { analytic: plan.ii.cycles, measured: report.cycles.ii.measured, bottleneck: plan.ii.bottleneck },
    latencyCycles: report.cycles.latency,
    lanes: est.lanes,
    totals: {
      estimate: est.total,
      yosys: xc7 ? { lut: xc7.total.lut, lutram: xc7.total.lutram, ff: xc7.total.ff, bram36: xc7.total.bram36 } : null,
    },
    targets,
    pareto: foldFront(foldThresholds(model)).points.map((p) => ({
      ii: p.ii,
      lut: p.lut + p.lutram,
      bram36: p.bram36,
      folding: p.layers.map((f) => `${f.pe}/${f.simd}`).join(' '),
    })),
  };
}
