import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { emitPynqDriver } from '../src/boards/pynq/driver.js';
import { compile } from '../src/compiler/compile.js';
import { integerForward } from '../src/compiler/integer-reference.js';
import { encodeElems } from '../src/blocks/memory-image.js';
import { outAxisBits } from '../src/emit/top-verilog.js';
import { hexToBytes, packInputBeats, unpackOutputBeats } from '../src/host/dma-layout.js';
import { randomModel } from '../src/model/random-model.js';
import { run } from '../sim/engine.js';
import { makeStimulus } from '../sim/stimulus.js';
import { frames, toolOrSkip, workDir } from './cases.js';

/** Output beats of the simulator as DMA bytes: tdata little-endian, beat after beat. */
function simOutputBytes(plan: ReturnType<typeof compile>['plan'], input: number[][]): number[] {
  const last = plan.blocks[plan.blocks.length - 1]!;
  const w = outAxisBits(plan);
  return run(plan, makeStimulus(plan, input)).out.flatMap((o) => Array.from(hexToBytes(encodeElems(o.data, last.out.elemBits, w), w / 8)));
}

const PY = `
import json, sys
sys.path.insert(0, sys.argv[1])
import bnn_driver as d
req = json.load(sys.stdin)
classes, scores = d.unpack_outputs(bytes(req["out"]))
print(json.dumps({"packed": list(d.pack_frames(req["frames"])), "classes": classes, "scores": scores}))
`;

describe('PYNQ driver: the same byte layout as the host API', async () => {
  const have = await toolOrSkip('python3');
  const model = randomModel({ name: 'pynq_small', arch: [48, 32, 24, 10], seed: 3 });
  const input = frames(5, 48, 21);
  const golden = input.map((f) => integerForward(compile(model).integer, f));
  it.skipIf(!have).each(['class', 'scores'] as const)('output %s: packing and unpacking agree with dma-layout.ts and the integer model', async (stream) => {
    const c = compile(model, { fold: { layers: [{ pe: 4, simd: 12 }, { pe: 4, simd: 8 }, { pe: 5, simd: 8 }], fifoDepth: 'auto', source: 'test' }, output: stream });
    const dir = workDir('pynq-driver');
    writeFileSync(join(dir, 'bnn_driver.py'), emitPynqDriver(c.plan, c.plan.blocks[c.plan.blocks.length - 1]!.out.beatsPerFrame));
    const out = simOutputBytes(c.plan, input);
    const r = await execa('python3', ['-c', PY, dir], { input: JSON.stringify({ frames: input, out }) });
    const py = JSON.parse(r.stdout) as { packed: number[]; classes: number[]; scores: number[][] | null };
    expect(py.packed).toEqual(Array.from(packInputBeats(c.plan, input)));
    const ts = unpackOutputBeats(c.plan, Uint8Array.from(out));
    expect(py.classes).toEqual(ts.predictions);
    expect(py.classes).toEqual(golden.map((g) => g.prediction));
    if (stream === 'scores') {
      expect(py.scores).toEqual(ts.scores);
      expect(py.scores).toEqual(golden.map((g) => Array.from(g.scores)));
    } else expect(py.scores).toBeNull();
  });

  it.skipIf(!have)('an element outside the raw range is refused', async () => {
    const c = compile(model);
    const dir = workDir('pynq-driver');
    writeFileSync(join(dir, 'bnn_driver.py'), emitPynqDriver(c.plan, 1));
    const bad = [Array.from({ length: 48 }, (_, i) => (i === 7 ? 256 : 0))];
    const r = await execa('python3', ['-c', PY, dir], { input: JSON.stringify({ frames: bad, out: [] }), reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/frame 0, element 7: 256 is outside \[0, 255\]/);
  });
});
