// T3's version, read at start (contracts/t3.md: the routes afk follows runs by exist from
// v0.0.29). Too old: afk refuses to arm and says why, rather than dispatch runs it could
// never follow. Unreachable: afk stays armed (a dispatch fails and is retried anyway) and
// reads the version again at the next sweep.

import { decideAgentVersion } from "../core/config/agent-version.js";
import { describeError } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import { errorFields } from "./log.js";

export async function checkAgentVersion(afk: AfkService): Promise<void> {
  const agent = afk.deps.agent;
  if (agent === null || afk.agentVersionChecked || !afk.armed) return;
  const read = await agent.readVersion();
  if (!read.ok) {
    afk.log.warn(
      errorFields(read.error),
      `cannot read T3's version (${describeError(read.error)}); afk checks it again at the next sweep`,
    );
    return;
  }
  const decision = decideAgentVersion(read.value);
  if (decision.kind === "supported") {
    afk.agentVersionChecked = true;
    afk.log.info({ version: read.value }, "T3's version is supported");
    return;
  }
  afk.refusal = decision.message;
  afk.log.error({ version: read.value }, `afk refuses to arm: ${decision.message}`);
}
