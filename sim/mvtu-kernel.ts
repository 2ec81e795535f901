/**
 * The MVTU twin's datapath over whole neurons, run as a few lines of WebAssembly: WebAssembly has
 * a 64-bit popcount instruction and JavaScript has none (the bit-trick popcount on 32-bit words
 * costs about eight times as much), and the datapath is most of a network's simulation time
 * (docs/simulator.md). The module is assembled here from its opcodes (no tool, no dependency). Its
 * functions, in WebAssembly text:
 *
 *   ;; binarized inputs: out[r] = Σ popcnt(row r's word XOR vector word), $words 64-bit words a row
 *   (func (export "x") (param $rows i32) (param $vec i32) (param $words i32) (param $count i32) (param $out i32)
 *     (local $i i32) (local $s i64) (local $v i32)
 *     (block (loop                                     ;; one row (neuron) per turn, $count rows
 *       (br_if 1 (i32.eqz (local.get $count)))
 *       (local.set $s (i64.const 0)) (local.set $v (local.get $vec)) (local.set $i (local.get $words))
 *       (block (loop
 *         (br_if 1 (i32.eqz (local.get $i)))
 *         (local.set $s (i64.add (local.get $s) (i64.popcnt (i64.xor (i64.load (local.get $rows)) (i64.load (local.get $v))))))
 *         (local.set $rows (i32.add (local.get $rows) (i32.const 8))) (local.set $v (i32.add (local.get $v) (i32.const 8)))
 *         (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br 0)))
 *       (i32.store (local.get $out) (i32.wrap_i64 (local.get $s)))
 *       (local.set $out (i32.add (local.get $out) (i32.const 4))) (local.set $count (i32.sub (local.get $count) (i32.const 1)))
 *       (br 0))))
 *
 *   ;; fixed-point inputs: out[r] = Σ sign × element over $words i32 elements, signs ±1 per row
 *   (func (export "d") …the same loops, with (local $s i32) and
 *         (local.set $s (i32.add (local.get $s) (i32.mul (i32.load (local.get $rows)) (i32.load (local.get $v)))))
 *         stepping $rows and $v by 4; where WebAssembly SIMD is available, the same with a v128
 *         accumulator over four elements a step (rows zero-padded to a multiple of four))
 *
 *   ;; binarized inputs, one threshold: out[r] = (mismatches <= limit_r) XOR invert_r, i.e. (acc >= t_r)
 *   ;; XOR invert_r with acc = MW − mismatches and limit_r = MW − t_r; (limit, invert) pairs from $lim
 *   (func (export "t") (param … $out i32) (param $lim i32) …"x"'s loops, storing
 *         (i32.xor (i32.le_s (i32.wrap_i64 (local.get $s)) (i32.load (local.get $lim))) (i32.load offset=4 (local.get $lim)))
 *         and stepping $lim by 8)
 *
 * "x" counts the positions where weight and input differ; with the bits past MW zero in both
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
  I32Load = 0x28,
  I64Load = 0x29,
  I32Store = 0x36,
  I32Const = 0x41,
  I64Const = 0x42,
  I32Eqz = 0x45,
  I32LeS = 0x4c,
  I32Add = 0x6a,
  I32Sub = 0x6b,
  I32Mul = 0x6c,
  I32Xor = 0x73,
  I64Popcnt = 0x7b,
  I64Add = 0x7c,
  I64Xor = 0x85,
  I32WrapI64 = 0xa7,
}
const I32 = 0x7f;
const I64 = 0x7e;
// parameters and locals, in the order of the text above
const ROWS = 0, VEC = 1, WORDS = 2, COUNT = 3, OUT = 4, I = 5, S = 6, V = 7;
// the thresholded function's sixth parameter shifts its locals by one
const LIM = 5, I_ = 6, S_ = 7, V_ = 8;

/**
 * The functions differ in the accumulator's type, the step, the inner term and what is stored per
 * row; `i`, `sv`, `v` are the loop locals' indices (one later in the function with six parameters).
 */
function body(sZero: number[], step: number, term: number[], store: number[], after: number[], i = I, sv = S, v = V): number[] {
  return [
    [Op.Block, Op.Void, Op.Loop, Op.Void],
    [Op.Get, COUNT, Op.I32Eqz, Op.BrIf, 1],
    [...sZero, Op.Set, sv, Op.Get, VEC, Op.Set, v, Op.Get, WORDS, Op.Set, i],
    [Op.Block, Op.Void, Op.Loop, Op.Void],
    [Op.Get, i, Op.I32Eqz, Op.BrIf, 1],
    [Op.Get, sv, ...term, Op.Set, sv],
    [Op.Get, ROWS, Op.I32Const, step, Op.I32Add, Op.Set, ROWS, Op.Get, v, Op.I32Const, step, Op.I32Add, Op.Set, v],
    [Op.Get, i, Op.I32Const, 1, Op.I32Sub, Op.Set, i, Op.Br, 0, Op.End, Op.End],
    [Op.Get, OUT, ...store, Op.I32Store, 2, 0],
    [Op.Get, OUT, Op.I32Const, 4, Op.I32Add, Op.Set, OUT, ...after, Op.Get, COUNT, Op.I32Const, 1, Op.I32Sub, Op.Set, COUNT],
    [Op.Br, 0, Op.End, Op.End, Op.End],
  ].flat();
}
const popcntXor = (v: number) => [Op.Get, ROWS, Op.I64Load, 3, 0, Op.Get, v, Op.I64Load, 3, 0, Op.I64Xor, Op.I64Popcnt, Op.I64Add];
const xnorBody = [...[3, 1, I32, 1, I64, 1, I32], ...body([Op.I64Const, 0], 8, popcntXor(V), [Op.Get, S, Op.I32WrapI64], [])];
const dotBody = [
  ...[1, 3, I32],
  ...body([Op.I32Const, 0], 4, [Op.Get, ROWS, Op.I32Load, 2, 0, Op.Get, V, Op.I32Load, 2, 0, Op.I32Mul, Op.I32Add], [Op.Get, S], []),
];
const thresholdBody = [
  ...[3, 1, I32, 1, I64, 1, I32],
  ...body(
    [Op.I64Const, 0],
    8,
    popcntXor(V_),
    [Op.Get, S_, Op.I32WrapI64, Op.Get, LIM, Op.I32Load, 2, 0, Op.I32LeS, Op.Get, LIM, Op.I32Load, 2, 4, Op.I32Xor],
    [Op.Get, LIM, Op.I32Const, 8, Op.I32Add, Op.Set, LIM],
    I_,
    S_,
    V_,
  ),
];
/** "d" on four elements at a time (WebAssembly SIMD: i32x4 multiply and add, the four lanes summed at the end). */
const V128 = 0x7b;
const simd = (op: number, ...imm: number[]) => [0xfd, ...leb(op), ...imm];
const V128Load = 0x00, I32x4Splat = 0x11, I32x4Lane = 0x1b, I32x4Add = 0xae, I32x4Mul = 0xb5;
const lane = (k: number) => [Op.Get, S, ...simd(I32x4Lane, k)];
const dot4Body = () => [
  ...[3, 1, I32, 1, V128, 1, I32],
  ...body(
    [Op.I32Const, 0, ...simd(I32x4Splat)],
    16,
    [Op.Get, ROWS, ...simd(V128Load, 0, 0), Op.Get, V, ...simd(V128Load, 0, 0), ...simd(I32x4Mul), ...simd(I32x4Add)],
    [...lane(0), ...lane(1), Op.I32Add, ...lane(2), Op.I32Add, ...lane(3), Op.I32Add],
    [],
  ),
];
/** Unsigned LEB128, WebAssembly's encoding of sizes. */
const leb = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...leb(n >>> 7)]);
const section = (id: number, bytes: number[]) => [id, ...leb(bytes.length), ...bytes];
const X = 0x78, D = 0x64, T = 0x74;
/** A module of functions over the imported memory "m" "m", exported under one-letter names. */
function moduleBytes(fns: Array<{ name: number; params: 5 | 6; body: number[] }>): Uint8Array<ArrayBuffer> {
  const type = (n: number) => [0x60, n, ...Array<number>(n).fill(I32), 0];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [2, ...type(5), ...type(6)]), // types 0, 1: (i32 ×5) → (), (i32 ×6) → ()
    ...section(2, [1, 1, 0x6d, 1, 0x6d, 0x02, 0x00, 1]), // import "m" "m": a memory
    ...section(3, [fns.length, ...fns.map((f) => f.params - 5)]),
    ...section(7, [fns.length, ...fns.flatMap((f, k) => [1, f.name, 0x00, k])]),
    ...section(10, [fns.length, ...fns.flatMap((f) => [...leb(f.body.length), ...f.body])]),
  ]);
}
const MODULE_BYTES = moduleBytes([
  { name: X, params: 5, body: xnorBody },
  { name: D, params: 5, body: dotBody },
  { name: T, params: 6, body: thresholdBody },
]);
/** In a module of its own: a machine without WebAssembly SIMD still runs the others ("d" then). */
const SIMD_BYTES = moduleBytes([{ name: D, params: 5, body: dot4Body() }]);

let compiled: WebAssembly.Module | undefined;
let compiledSimd: WebAssembly.Module | null | undefined;

/**
 * One MVTU weight image in the kernel's memory, shared by every twin built from it (a plan is
 * often run many times: a WebAssembly memory per run would be garbage the collector is pressed
 * to reclaim). A twin keeps its own input vector and hands it over when it computes; the copy is
 * skipped when the vector in the kernel's memory is already that twin's, unchanged.
 */
export class MvtuKernel {
  /** Per row of the last `run` call: mismatches, the signed sum, or the thresholded element. */
  readonly out: Int32Array;
  /** The vector in memory, as 32-bit words (packed bits, or one element per word). */
  private readonly vec: Uint32Array | Int32Array;
  private readonly rowWords: number;
  private readonly words: number;
  private readonly vecAt: number;
  private readonly outAt: number;
  private readonly limAt: number;
  private readonly f: (rows: number, vec: number, words: number, count: number, out: number, lim: number) => void;
  /** Whose vector the memory holds, and that twin's version of it. */
  private holder: object | undefined;
  private version = -1;

  /**
   * `rows`: packed bits, MW per row. With `signs` (fixed-point inputs): MW signs ±1 per row, out is
   * the signed sum. With `limits` (binarized inputs, one threshold): (limit, invert) per row, out is
   * the element; else out counts mismatches. `maxCount`: the most rows a call computes (PE).
   * `noSimd`: the scalar sums even where SIMD is available (what a machine without it runs).
   */
  constructor(rows: Uint32Array[], mw: number, maxCount: number, kind: { signs?: Int32Array; limits?: Int32Array; noSimd?: boolean } = {}) {
    const { signs, limits } = kind;
    compiledSimd ??= WebAssembly.validate(SIMD_BYTES) ? new WebAssembly.Module(SIMD_BYTES) : null;
    const four = signs !== undefined && compiledSimd !== null && !kind.noSimd;
    // a row in 32-bit words: whole 64-bit words for the popcount, one word per element (zeros up to
    // a multiple of four) for the sums
    this.rowWords = signs ? 4 * Math.ceil(mw / 4) : 2 * Math.ceil(mw / 64);
    this.words = signs ? (four ? this.rowWords / 4 : this.rowWords) : this.rowWords / 2;
    this.vecAt = rows.length * this.rowWords * 4;
    this.outAt = this.vecAt + this.rowWords * 4;
    this.limAt = this.outAt + 4 * maxCount;
    const bytes = this.limAt + (limits ? 4 * limits.length : 0);
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
    const i32 = new Int32Array(memory.buffer);
    if (signs) for (let j = 0; j < rows.length; j++) i32.set(signs.subarray(j * mw, (j + 1) * mw), j * this.rowWords);
    else rows.forEach((r, j) => i32.set(r, j * this.rowWords));
    if (limits) i32.set(limits, this.limAt >>> 2);
    this.vec = signs ? new Int32Array(memory.buffer, this.vecAt, this.rowWords) : new Uint32Array(memory.buffer, this.vecAt, this.rowWords);
    this.out = new Int32Array(memory.buffer, this.outAt, maxCount);
    compiled ??= new WebAssembly.Module(MODULE_BYTES);
    const fns = new WebAssembly.Instance(four ? compiledSimd! : compiled, { m: { m: memory } }).exports;
    this.f = (signs ? fns.d : limits ? fns.t : fns.x) as MvtuKernel['f'];
  }

  /** Rows first .. first + count − 1 against `vec` (version: the holder's count of its changes). */
  run(first: number, count: number, holder: object, version: number, vec: Uint32Array | Int32Array): Int32Array {
    if (this.holder !== holder || this.version !== version) {
      this.vec.set(vec);
      this.holder = holder;
      this.version = version;
    }
    this.f(first * this.rowWords * 4, this.vecAt, this.words, count, this.outAt, this.limAt + first * 8);
    return this.out;
  }
}
