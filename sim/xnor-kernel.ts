/**
 * The MVTU twin's XNOR-popcount over whole neurons, run as a few lines of WebAssembly because
 * WebAssembly has a 64-bit popcount instruction and JavaScript has none: the bit-trick popcount
 * on 32-bit words costs about eight times as much, and it is most of a binarized network's
 * simulation time (docs/simulator.md). The module is assembled here from its opcodes (no tool,
 * no dependency); its one function is, in WebAssembly text:
 *
 *   (func (export "f") (param $rows i32) (param $vec i32) (param $words i32) (param $count i32) (param $out i32)
 *     (local $i i32) (local $s i64) (local $v i32)
 *     (block (loop                                     ;; one row (neuron) per turn, $count rows
 *       (br_if 1 (i32.eqz (local.get $count)))
 *       (local.set $s (i64.const 0)) (local.set $v (local.get $vec)) (local.set $i (local.get $words))
 *       (block (loop                                   ;; $s = Σ popcnt(row word XOR vector word)
 *         (br_if 1 (i32.eqz (local.get $i)))
 *         (local.set $s (i64.add (local.get $s) (i64.popcnt (i64.xor (i64.load (local.get $rows)) (i64.load (local.get $v))))))
 *         (local.set $rows (i32.add (local.get $rows) (i32.const 8))) (local.set $v (i32.add (local.get $v) (i32.const 8)))
 *         (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br 0)))
 *       (i32.store (local.get $out) (i32.wrap_i64 (local.get $s)))
 *       (local.set $out (i32.add (local.get $out) (i32.const 4))) (local.set $count (i32.sub (local.get $count) (i32.const 1)))
 *       (br 0))))
 *
 * It counts the positions where weight and input differ; with the bits past MW zero in both
 * (decodeWeightRows and the twin's input store leave them zero) the XNOR popcount is MW minus that.
 */
const enum Op {
  Block = 0x02,
  Loop = 0x03,
  Void = 0x40,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  Get = 0x20,
  Set = 0x21,
  I64Load = 0x29,
  I32Store = 0x36,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Xor = 0x85,
  I32WrapI64 = 0xa7,
}
const I32 = 0x7f;
const I64 = 0x7e;
// parameters and locals, in the order of the text above
const ROWS = 0, VEC = 1, WORDS = 2, COUNT = 3, OUT = 4, I = 5, S = 6, V = 7;

const body = [
  [Op.Block, Op.Void, Op.Loop, Op.Void],
  [Op.Get, COUNT, Op.I32Eqz, Op.BrIf, 1],
  [Op.I64Const, 0, Op.Set, S, Op.Get, VEC, Op.Set, V, Op.Get, WORDS, Op.Set, I],
  [Op.Block, Op.Void, Op.Loop, Op.Void],
  [Op.Get, I, Op.I32Eqz, Op.BrIf, 1],
  [Op.Get, S, Op.Get, ROWS, Op.I64Load, 3, 0, Op.Get, V, Op.I64Load, 3, 0, Op.I64Xor, Op.I64Popcnt, Op.I64Add, Op.Set, S],
  [Op.Get, ROWS, Op.I32Const, 8, Op.I32Add, Op.Set, ROWS, Op.Get, V, Op.I32Const, 8, Op.I32Add, Op.Set, V],
  [Op.Get, I, Op.I32Const, 1, Op.I32Sub, Op.Set, I, Op.Br, 0, Op.End, Op.End],
  [Op.Get, OUT, Op.Get, S, Op.I32WrapI64, Op.I32Store, 2, 0],
  [Op.Get, OUT, Op.I32Const, 4, Op.I32Add, Op.Set, OUT, Op.Get, COUNT, Op.I32Const, 1, Op.I32Sub, Op.Set, COUNT],
  [Op.Br, 0, Op.End, Op.End, Op.End],
].flat();
const locals = [3, 1, I32, 1, I64, 1, I32];
/** Unsigned LEB128, WebAssembly's encoding of sizes. */
const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >>> 7)]);
const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const MODULE_BYTES = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...section(1, [1, 0x60, 5, I32, I32, I32, I32, I32, 0]), // type: (i32 ×5) → ()
  ...section(2, [1, 1, 0x6d, 1, 0x6d, 0x02, 0x00, 1]), // import "m" "m": a memory
  ...section(3, [1, 0]), // function 0 has type 0
  ...section(7, [1, 1, 0x66, 0x00, 0]), // export "f" = function 0
  ...section(10, [1, ...leb(locals.length + body.length), ...locals, ...body]),
]);

let compiled: WebAssembly.Module | undefined;

/** One MVTU's weight rows and its input vector, in the kernel's memory. */
export class XnorKernel {
  /** The input vector, packed LSB first; the twin writes its input beats here. */
  readonly vec: Uint32Array;
  /** Per row of the last `mismatches` call: the positions where weight and input differ. */
  readonly out: Int32Array;
  private readonly words64: number;
  private readonly vecAt: number;
  private readonly outAt: number;
  private readonly f: (rows: number, vec: number, words: number, count: number, out: number) => void;

  constructor(rows: Uint32Array[], mw: number, maxCount: number) {
    this.words64 = Math.ceil(mw / 64);
    const rowBytes = this.words64 * 8;
    this.vecAt = rows.length * rowBytes;
    this.outAt = this.vecAt + rowBytes;
    const bytes = this.outAt + 4 * maxCount;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const u32 = new Uint32Array(memory.buffer);
    rows.forEach((r, j) => u32.set(r, (j * rowBytes) >>> 2));
    this.vec = new Uint32Array(memory.buffer, this.vecAt, this.words64 * 2);
    this.out = new Int32Array(memory.buffer, this.outAt, maxCount);
    compiled ??= new WebAssembly.Module(MODULE_BYTES);
    const inst = new WebAssembly.Instance(compiled, { m: { m: memory } });
    this.f = inst.exports.f as XnorKernel['f'];
  }

  /** out[p] = popcount(row[first + p] XOR vec) for p < count. */
  mismatches(first: number, count: number): Int32Array {
    this.f(first * this.words64 * 8, this.vecAt, this.words64, count, this.outAt);
    return this.out;
  }
}
