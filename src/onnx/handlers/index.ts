import { arithmetic } from './arithmetic.js';
import { batchNormalization } from './batchnorm.js';
import { matmul } from './matmul.js';
import { quant } from './quant.js';
import { identity, reshape } from './shape.js';
import type { OpHandler } from './state.js';
import { signThreshold } from './threshold.js';
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
  ['Reshape', reshape],
  ['Flatten', reshape],
  ['Squeeze', reshape],
  ['Unsqueeze', reshape],
  ['BatchNormalization', batchNormalization],
  ['MultiThreshold', signThreshold],
  ['BipolarQuant', signThreshold],
  ['MatMul', matmul],
  ['Gemm', matmul],
  ['TopK', topK],
]);
