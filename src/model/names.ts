/** The name rule of model format v1 (model, layer names); names reach file paths and Verilog identifiers. */
export const NAME_RULE = '[A-Za-z0-9_.-]{1,64}';

const NAME_RE = new RegExp(`^${NAME_RULE}$`);

export function isLegalName(s: string): boolean {
  return NAME_RE.test(s);
}

/** `s` made legal (every run of other characters becomes `_`, cut to 64), or `fallback` if nothing is left. */
export function legalName(s: string, fallback: string): string {
  const t = s.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 64);
  return isLegalName(t) ? t : fallback;
}
