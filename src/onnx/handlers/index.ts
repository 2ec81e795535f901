import { activation } from './activation.js';
import { arithmetic, relu } from './arithmetic.js';
import { batchNormalization } from './batchnorm.js';
import { conv } from './conv.js';
import { matmul } from './matmul.js';
import { maxPool, padNode } from './pool.js';
import { quant } from './quant.js';
import { identity, reshape, transpose } from './shape.js';
import type { OpHandler } from './state.js';
import { topK } from './topk.js';

/** The importer's operator table: one handler per supported ONNX op type. */
export const OP_HANDLERS: ReadonlyMap<string, OpHandler> = new Map<string, OpHandler>([
  ['Identity', identity],
  ['Quant', quant],
  ['IntQuant', quant],
  ['Add', arithmetic],
  ['Sub', arithmetic],
  ['Mul', arithmetic],
  ['Div', arithmetic],
  ['Relu', relu],
  ['Reshape', reshape],
  ['Flatten', reshape],
  ['Squeeze', reshape],
  ['Unsqueeze', reshape],
  ['Transpose', transpose],
  ['BatchNormalization', batchNormalization],
  ['MultiThreshold', activation],
  ['BipolarQuant', activation],
  ['MatMul', matmul],
  ['Gemm', matmul],
  ['Conv', conv],
  ['MaxPool', maxPool],
  ['Pad', padNode],
  ['TopK', topK],
]);
