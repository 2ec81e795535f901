/**
 * The library's public API: everything the `bnn` CLI does, callable from code.
 * model → compile → plan → { generate (Verilog), simulate (cycle-accurate), verify (RTL co-sim) }.
 */
export { BnnError, type ErrorCode, type ErrorDetail } from './errors.js';
export type { Model, Layer, DenseLayer, Activation, OutputRule } from './model/types.js';
export { outputRule, selectClass } from './model/output-rule.js';
export { loadModel, parseModel, serializeModel } from './model/io.js';
export { randomModel } from './model/random-model.js';
export { floatForward } from './model/float-reference.js';
export type { IntegerModel } from './model/integer-model.js';
export { foldThresholds } from './compiler/fold-thresholds.js';
export { integerForward } from './compiler/integer-reference.js';
export { compile, loadAnyFolding, type Compiled } from './compiler/compile.js';
export { autoFoldRecord, chooseFolding, type AutoFoldRecord, type FoldTarget } from './compiler/fold-target.js';
export { defaultFolding, parseFoldConfig, type FoldConfig } from './compiler/fold-config.js';
export type { Plan, PlanBlock, OutputStream } from './plan/types.js';
export { frameResults, type FrameResults } from './plan/output-values.js';
export { designFiles, writeDesign } from './emit/generate.js';
export { generateDesign, type GeneratedDesign } from './pipeline/design.js';
export { simulate, type SimReport } from '../sim/simulate.js';
export { makeStimulus, type Stimulus, type TrafficOptions } from '../sim/stimulus.js';
export { verify, type VerifyOptions, type VerifyReport } from './verify/verify.js';
export { defaultModel, runDemo, type DemoOptions, type DemoResult, type DemoStep } from './pipeline/demo.js';
export { importOnnxFile, type ImportResult } from './onnx/import.js';
export { exportQonnx, type ExportResult } from './onnx/export.js';
export { readNpy } from './npy/read-npy.js';
export { selectFrames, npyFrames, npyLabels, type FrameSet } from './inputs/frames.js';
export { rawRange } from './inputs/raw-range.js';
export { loadDataset, type Dataset } from './datasets/index.js';
export { train, type AnyTrainConfig, type ConvTrainConfig, type TrainConfig, type TrainHooks, type TrainResult } from './train/trainer.js';
export { trainDense } from './train/dense.js';
export { trainCnn } from './train/cnn.js';
export { parseArchitecture, formatArchitecture, type Architecture } from './train/arch.js';
export { runSynth } from './synth/run.js';
export { estimatePlan } from './synth/estimate.js';
export { reportData } from './report/data.js';
export { reportHtml } from './report/html.js';
export { openAccelerator, type Accelerator, type InferResult, type OpenOptions } from './host/accelerator.js';
export { BACKENDS, type BackendName } from './host/backends.js';
export { packFrames, ResponseParser, frameLayout, type FrameLayout, type Response } from './host/protocol.js';
export { BOARDS, type BoardName } from './boards/boards.js';
export { buildBoard, type BoardBuild } from './boards/build.js';
