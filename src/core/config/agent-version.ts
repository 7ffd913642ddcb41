// The T3 Code versions afk works with (contracts/t3.md): the thread list and thread
// detail routes afk follows runs by exist from v0.0.29. Below it afk would dispatch and
// then never see a turn end, so it refuses to arm instead, saying why.

export const MIN_T3_VERSION = "0.0.29";

export type AgentVersionDecision =
  | { readonly kind: "supported" }
  | { readonly kind: "too-old"; readonly message: string }
  | { readonly kind: "unreadable"; readonly message: string };

function toParts(version: string): number[] | null {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return match === null ? null : [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i += 1) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

export function decideAgentVersion(serverVersion: string): AgentVersionDecision {
  const parts = toParts(serverVersion);
  const minimum = toParts(MIN_T3_VERSION) ?? [];
  if (parts === null)
    return {
      kind: "unreadable",
      message: `T3 reports version ${JSON.stringify(serverVersion.slice(0, 40))}, which afk cannot read; afk needs ${MIN_T3_VERSION} or later`,
    };
  if (compare(parts, minimum) < 0)
    return {
      kind: "too-old",
      message: `T3 is version ${serverVersion.trim()}; afk needs ${MIN_T3_VERSION} or later (its thread list and thread detail routes). afk stays disarmed until T3 is upgraded and afk restarted.`,
    };
  return { kind: "supported" };
}
