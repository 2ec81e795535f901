/**
 * In CI (BNN_REQUIRE_TOOLS=1) a test that needs something the machine lacks (a simulator, a
 * dataset) runs and fails instead of skipping silently: a green run then means it was checked.
 */
export function runUnlessOptional(available: boolean): boolean {
  return available || process.env.BNN_REQUIRE_TOOLS === '1';
}
