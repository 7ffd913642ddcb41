// Probot wiring only: it receives the validated configuration and turns GitHub events
// into nudges for the shell. Decisions live in src/core; I/O lives in src/adapters.

import type { ApplicationFunction, Probot } from "probot";
import type { OperatorConfig } from "./core/config-types.js";
import { describeArming } from "./core/describe-arming.js";

export interface AfkOptions {
  readonly config: OperatorConfig;
}

export function createAfkApp(options: AfkOptions): ApplicationFunction {
  return (app: Probot) => {
    const arming = describeArming(options.config);
    if (arming.armed) app.log.info(arming.message);
    else app.log.warn(arming.message);
  };
}
