// The operator configuration, as `npm start` reads it: the same message (one line per
// problem, each naming its variable), and whether afk is armed. Pure.

import { describeArming } from "../../core/config/arming.js";
import type { OperatorConfig } from "../../core/config/config-types.js";
import { fail, pass, skip, type DoctorLine } from "./doctor-line.js";

/** `loadConfig`'s answer (src/shell/load-config.ts). */
export type LoadedConfigInput =
  { readonly ok: true; readonly config: OperatorConfig } | { readonly ok: false; readonly message: string };

const CONFIG_FIX = "give the variable named here an accepted value; npm start refuses to start with this same message.";

export function toConfigLines(loaded: LoadedConfigInput): DoctorLine[] {
  if (loaded.ok) return [pass("the configuration is valid")];
  return loaded.message
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => fail(`the configuration is invalid: ${line.replace(/\.$/, "")}`, CONFIG_FIX));
}

/** Disarmed is not a failure (afk ships so); the checks run all the same. */
export function toArmingLine(config: Pick<OperatorConfig, "killSwitch" | "allowlist">): DoctorLine {
  const arming = describeArming(config);
  const message = arming.message.replace(/\.$/, "");
  return arming.armed ? pass(message) : skip(`${message}; the doctor checks the set-up all the same`);
}

export const NEEDS_CONFIG_LINE = skip("the other checks need a configuration that parses: not run");
