// A step of the shell's work that failed and must be retried: the delivery that asked
// for it is answered 500 (so GitHub can redeliver it) and the sweep retries the rest.
// What failed was logged where it failed, with its category.

import { describeError, type Result } from "../ports/result.js";

export class StepError extends Error {}

/** The value, or a StepError naming what was being done and why it failed. */
export function orThrow<T>(result: Result<T>, what: string): T {
  if (result.ok) return result.value;
  throw new StepError(`${what}: ${describeError(result.error)}`);
}
