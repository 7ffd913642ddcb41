// T3 Code (contracts/t3.md): it answers, its version has the routes afk reads (the thread
// list and thread detail routes exist from 0.0.29), and the token has both scopes:
// `orchestration:read` (a read of the shell route) and `orchestration:operate` (a
// dispatch probe T3 refuses at decoding, after its scope check). Pure.

import { assertNever } from "../../core/common/assert-never.js";
import { describeError, type Result } from "../../ports/result.js";
import { fail, pass, skip, type DoctorLine } from "./doctor-line.js";
import { toGenericFix } from "./generic-fix.js";

export const MIN_T3_VERSION = "0.0.29";
const T3_SETTINGS = "T3_BASE_URL";
const TOKEN_FIX =
  "issue a T3 token with the scopes orchestration:read and orchestration:operate, and set T3_TOKEN (or T3_TOKEN_FILE) to it.";

export type T3Version = "supported" | "too-old" | "unreadable";

/** The probe's answer (src/adapters/t3/t3-scope-probe.ts). */
export type OperateScope = "granted" | "missing";

/** `0.0.33`, `v0.0.33` or `0.0.33-nightly.1` → [0, 0, 33]; null when it is no version. */
export function parseVersion(text: string): readonly number[] | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(text.trim());
  return match === null ? null : match.slice(1, 4).map(Number);
}

export function toT3Version(version: string): T3Version {
  const parsed = parseVersion(version);
  const min = parseVersion(MIN_T3_VERSION) ?? [];
  if (parsed === null) return "unreadable";
  for (let i = 0; i < min.length; i += 1) {
    const [have = 0, need = 0] = [parsed[i], min[i]];
    if (have !== need) return have > need ? "supported" : "too-old";
  }
  return "supported";
}

export const T3_NOT_CONFIGURED = skip("T3: not configured (T3_BASE_URL is unset); afk cannot dispatch until it is");

export function toT3VersionLine(version: Result<string>): DoctorLine {
  if (!version.ok) {
    const text = `T3 does not answer: ${describeError(version.error)}`;
    return fail(text, "check T3_BASE_URL and that the T3 Code server is up and reachable from here.");
  }
  const need = `afk needs ${MIN_T3_VERSION} or later`;
  const kind = toT3Version(version.value);
  switch (kind) {
    case "supported":
      return pass(`T3 answers (version ${version.value}; ${need})`);
    case "too-old":
      return fail(
        `T3 is version ${version.value}; ${need} (the thread list and thread detail routes)`,
        `upgrade the T3 Code server to ${MIN_T3_VERSION} or later.`,
      );
    case "unreadable":
      return fail(
        `T3 names its version ${JSON.stringify(version.value)}, which is no version number`,
        `run a released T3 Code server, ${MIN_T3_VERSION} or later.`,
      );
    default:
      return assertNever(kind);
  }
}

export function toT3ReadLine(shell: Result<unknown>): DoctorLine {
  if (shell.ok) return pass("T3's token reads (orchestration:read: GET /api/orchestration/shell)");
  if (shell.error.status === 403)
    return fail(`T3's token lacks orchestration:read: ${describeError(shell.error)}`, TOKEN_FIX);
  if (shell.error.category === "unauthorized")
    return fail(`T3 refuses the token: ${describeError(shell.error)}`, TOKEN_FIX);
  return fail(`T3's shell route fails: ${describeError(shell.error)}`, toGenericFix(shell.error, T3_SETTINGS));
}

export function toT3OperateLine(probe: Result<OperateScope>): DoctorLine {
  if (probe.ok && probe.value === "granted")
    return pass(
      "T3's token may dispatch (orchestration:operate: a body that is no command passed the scope check, then was refused; nothing was created)",
    );
  if (probe.ok) return fail("T3's token lacks orchestration:operate (the dispatch route answered 403)", TOKEN_FIX);
  if (probe.error.category === "unauthorized")
    return fail(`T3 refuses the token on the dispatch route: ${describeError(probe.error)}`, TOKEN_FIX);
  return fail(
    `T3's dispatch route answered what afk cannot read as a scope check: ${describeError(probe.error)}`,
    toGenericFix(probe.error, T3_SETTINGS),
  );
}

export function toT3OperateSkipLine(why: string): DoctorLine {
  return skip(`T3's token: orchestration:operate not checked (${why})`);
}

export function toT3ScopeSkipLines(why: string): DoctorLine[] {
  return [skip(`T3's token: orchestration:read not checked (${why})`), toT3OperateSkipLine(why)];
}
