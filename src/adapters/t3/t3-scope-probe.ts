// Whether T3's token holds `orchestration:operate`, without dispatching anything
// (contracts/t3.md). The only route that needs the scope is the dispatch, so the probe
// POSTs a body that is no command at all (no `type`): T3 checks the bearer (401) and the
// scope (403) before it decodes the body (400), and a body that does not decode never
// reaches the orchestration engine.
//
// The order is T3's own, read from its source: the dispatch endpoint carries a security
// middleware (`EnvironmentOrchestrationOperationAuth`) that checks the session's scopes,
// and Effect's HttpApiBuilder applies an endpoint's middleware around the payload
// decoding; servers before the HttpApi routes authenticated the session first too.

import { failure, type Result } from "../../ports/result.js";
import type { T3Client } from "./t3-client.js";
import type { T3Command } from "./t3-commands.js";

/** Not a command: without `type`, no version of T3 decodes it. */
const NO_COMMAND = {} as unknown as T3Command;

export type OperateScope =
  /** The bearer passed and the scope check passed: the body was refused (400), as it must be. */
  | "granted"
  /** 403: the token lacks `orchestration:operate`. */
  | "missing";

/** A 401 (a bad token) and any answer but 400 or 403 come back as failures. */
export async function probeOperateScope(t3: T3Client): Promise<Result<OperateScope>> {
  const answer = await t3.dispatch(NO_COMMAND);
  if (answer.ok)
    return failure("t3", "invalid-response", "POST /api/orchestration/dispatch accepted a body without a type", {
      status: 200,
    });
  if (answer.error.status === 400) return { ok: true, value: "granted" };
  if (answer.error.status === 403) return { ok: true, value: "missing" };
  return answer;
}
