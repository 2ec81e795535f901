/**
 * Reading Yosys' machine-readable output: `stat -json` (cell counts per module) and the
 * top module's netlist from `write_json` (which instance is which derived module). Nothing
 * here parses Yosys' human-readable log.
 */

export interface YosysStatModule {
  num_cells?: number;
  num_cells_by_type?: Record<string, number>;
}

export interface YosysStat {
  modules: Record<string, YosysStatModule>;
  design?: YosysStatModule;
}

export interface YosysNetlist {
  modules: Record<string, { cells?: Record<string, { type: string }>; attributes?: Record<string, string> }>;
}

/**
 * `stat -json` output. Yosys 0.23 writes its plain-text hierarchy listing (lines such as
 * `$paramod$…\bnn_popcount      8`) into the JSON, between "modules" and "design", when the
 * design is more than two levels deep (top → mvtu → popcount); those lines (a cell name, no
 * quote) are dropped before parsing.
 */
export function parseStatJson(text: string): YosysStat {
  const json = text.split('\n').filter((l) => !/^\s*[$\\][^"]*$/.test(l)).join('\n');
  return JSON.parse(json) as YosysStat;
}

/** Yosys writes module names with a leading backslash for user names; `$paramod$…` stays as is. */
export function stripName(n: string): string {
  return n.startsWith('\\') ? n.slice(1) : n;
}

function findModule<T>(mods: Record<string, T>, name: string): T | undefined {
  return mods[name] ?? mods[`\\${name}`] ?? mods[stripName(name)];
}

/**
 * Primitive cell counts of one module including everything it instantiates (recursively),
 * from `stat -json`: submodule instances appear as cell types that are module names.
 */
export function flattenCounts(stat: YosysStat, module: string, seen: string[] = []): Record<string, number> {
  const m = findModule(stat.modules, module);
  if (!m) throw new Error(`module ${module} not in the Yosys statistics`);
  if (seen.includes(module)) throw new Error(`recursive hierarchy at ${module}`);
  const out: Record<string, number> = {};
  for (const [type, n] of Object.entries(m.num_cells_by_type ?? {})) {
    if (findModule(stat.modules, type)) {
      for (const [t2, n2] of Object.entries(flattenCounts(stat, type, [...seen, module]))) out[t2] = (out[t2] ?? 0) + n * n2;
    } else out[type] = (out[type] ?? 0) + n;
  }
  return out;
}

/** Instance name → module (type) of the top's cells, from a `write_json` of the top module. */
export function topInstances(net: YosysNetlist, top: string): Map<string, string> {
  const m = findModule(net.modules, top);
  if (!m) throw new Error(`top module ${top} not in the Yosys netlist`);
  const r = new Map<string, string>();
  for (const [inst, c] of Object.entries(m.cells ?? {})) r.set(stripName(inst), c.type);
  return r;
}

export function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out;
}
