// Deterministic ids (DESIGN section 5). Thread and T3 command ids are UUIDv5 values
// derived from `installation/owner/repo#issue/attempt` (plus the step for commands),
// so a dispatch retried after a crash names the same thread and T3 answers the same
// command id with its original result instead of acting twice.

import { createHash } from "node:crypto";
import type { RepoName } from "../common/github-types.js";

/** afk's own UUIDv5 namespace (a fixed random UUID; changing it orphans every run). */
export const AFK_NAMESPACE = "5b0c1b7e-3f0a-4c52-9a55-2f3f7d0e8a61";

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ""), "hex");
}

/** afk's namespace as bytes, once: a new issue's dispatch derives a hundred ids (attempts.ts). */
const AFK_NAMESPACE_BYTES = uuidBytes(AFK_NAMESPACE);

/** RFC 9562 UUID version 5 (SHA-1, name-based). */
export function toUuidV5(name: string, namespace: string = AFK_NAMESPACE): string {
  const space = namespace === AFK_NAMESPACE ? AFK_NAMESPACE_BYTES : uuidBytes(namespace);
  const bytes = createHash("sha1").update(space).update(name, "utf8").digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString("hex", 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface RunKey {
  readonly installationId: number;
  readonly repo: RepoName;
  readonly issue: number;
  readonly attempt: number;
}

export function toRunName(key: RunKey): string {
  return `${key.installationId}/${key.repo.toLowerCase()}#${key.issue}/${key.attempt}`;
}

export function toThreadId(key: RunKey): string {
  return toUuidV5(toRunName(key));
}

/** One id per step of a run, e.g. `thread.create`, `turn:2`, `interrupt:2`. */
export function toCommandId(key: RunKey, step: string): string {
  return toUuidV5(`${toRunName(key)}/${step}`);
}

/** The user message of a turn has its own id, distinct from the command's. */
export function toMessageId(key: RunKey, turn: number): string {
  return toUuidV5(`${toRunName(key)}/message:${turn}`);
}

/** One T3 project per repo and installation: the repo's checkout. */
export function toProjectId(installationId: number, repo: RepoName): string {
  return toUuidV5(`${installationId}/${repo.toLowerCase()}/project`);
}

export function toProjectCommandId(installationId: number, repo: RepoName): string {
  return toUuidV5(`${installationId}/${repo.toLowerCase()}/project.create`);
}
