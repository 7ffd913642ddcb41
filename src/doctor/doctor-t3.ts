// The T3 checks' reads (contracts/t3.md): the version (unauthenticated), the shell route
// (orchestration:read), and the dispatch probe (orchestration:operate) that T3 refuses
// at decoding. The words are checks/check-t3.ts's.

import { createT3Client } from "../adapters/t3/t3-client.js";
import { probeOperateScope } from "../adapters/t3/t3-scope-probe.js";
import type { T3Config } from "../core/config/config-types.js";
import {
  T3_NOT_CONFIGURED,
  toT3OperateSkipLine,
  toT3OperateLine,
  toT3ReadLine,
  toT3ScopeSkipLines,
  toT3Version,
  toT3VersionLine,
} from "./checks/check-t3.js";
import type { DoctorLine } from "./checks/doctor-line.js";
import { toTimeouts, type DoctorLimits } from "./doctor-limits.js";

export async function doctorT3(config: T3Config, limits: DoctorLimits): Promise<DoctorLine[]> {
  if (config.baseUrl === null) return [T3_NOT_CONFIGURED];
  const t3 = createT3Client({
    baseUrl: config.baseUrl,
    token: config.token,
    tokenFile: config.tokenFile,
    timeouts: toTimeouts(limits),
    retry: { retries: limits.retries },
  });
  try {
    const environment = await t3.environment();
    const version = environment.ok ? { ok: true as const, value: environment.value.serverVersion } : environment;
    const lines = [toT3VersionLine(version)];
    if (!version.ok) return [...lines, ...toT3ScopeSkipLines("T3 does not answer")];
    if (toT3Version(version.value) !== "supported")
      return [...lines, ...toT3ScopeSkipLines("T3's version lacks the routes afk reads")];
    const shell = await t3.shell();
    lines.push(toT3ReadLine(shell));
    // A token T3 refuses outright (or a failing server) tells nothing more on the dispatch route.
    if (!shell.ok && shell.error.status !== 403) {
      const why = shell.error.category === "unauthorized" ? "T3 refuses the token" : "T3's shell route fails";
      return [...lines, toT3OperateSkipLine(why)];
    }
    lines.push(toT3OperateLine(await probeOperateScope(t3)));
    return lines;
  } finally {
    await t3.close();
  }
}
