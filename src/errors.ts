/**
 * Errors are data: a stable code, the file, the field path and what was expected, so that
 * `--json` output stays machine-readable and messages stay specific.
 */
export type ErrorCode =
  | 'MODEL_INVALID'
  | 'MODEL_READ'
  | 'FOLD_INVALID'
  | 'INPUT_INVALID'
  | 'DATASET_MISSING'
  | 'DATASET_INVALID'
  | 'TOOL_MISSING'
  | 'TOOL_FAILED'
  | 'DEVICE_MISSING'
  | 'VERIFY_MISMATCH'
  | 'IMPORT_UNSUPPORTED'
  | 'IMPORT_INVALID'
  | 'EXPORT_UNSUPPORTED'
  | 'USAGE'
  | 'LIMIT_EXCEEDED'
  | 'OUTPUT_EXISTS'
  | 'OUTPUT_IS_FOLDER'
  | 'OUTPUT_PARENT_NOT_FOLDER'
  | 'OUTPUT_READ_ONLY'
  | 'OUTPUT_NOT_WRITABLE'
  | 'OUTPUT_SPECIAL'
  | 'OUTPUT_NO_SPACE'
  | 'OUTPUT_FAILED';

export interface ErrorDetail {
  code: ErrorCode;
  message: string;
  file?: string;
  field?: string;
  expected?: string;
  got?: string;
}

export class BnnError extends Error {
  readonly detail: ErrorDetail;
  constructor(detail: ErrorDetail) {
    super(formatDetail(detail));
    this.name = 'BnnError';
    this.detail = detail;
  }
  toJSON(): ErrorDetail {
    return { ...this.detail };
  }
}

function formatDetail(d: ErrorDetail): string {
  const where = [d.file, d.field].filter(Boolean).join(': ');
  let s = where ? `${where}: ${d.message}` : d.message;
  if (d.expected !== undefined) s += ` (expected ${d.expected}`;
  if (d.got !== undefined) s += d.expected !== undefined ? `, got ${d.got})` : ` (got ${d.got})`;
  else if (d.expected !== undefined) s += ')';
  return s;
}

/** Short, safe rendering of an offending value for error messages. */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
