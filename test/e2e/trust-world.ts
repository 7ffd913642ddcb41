// The world of the issue-9 trust suites: one enrolled repo on a fake clock, a maintainer
// afk obeys and a read-only user it does not, and the checks that say "nothing else
// happened": exactly these GitHub writes, exactly these T3 commands since a mark.

import { FakeClock, type Harness, type HarnessOptions } from "./harness.js";
import type { World } from "./ship-world.js";

/** A maintainer: afk obeys them. */
export const MAINTAINER = "maint-mia";
/** A read-only user (the issue's author in the attacks): afk does not obey them. */
export const READER = "reader-rita";
export const MIA = { by: { login: MAINTAINER } } as const;
export const RITA = { by: { login: READER } } as const;

export type StartHarness = (options?: HarnessOptions) => Promise<Harness>;

/** afk on a fake clock, with MAINTAINER (maintain) and READER (read) as collaborators of the repo. */
export async function trustWorld(started: StartHarness, extra: HarnessOptions = {}): Promise<World> {
  const clock = extra.clock ?? new FakeClock();
  const h = await started({ clock, ...extra });
  const repo = h.config.allowlist[0] ?? "";
  h.github.addCollaborator(repo, MAINTAINER, "maintain");
  h.github.addCollaborator(repo, READER, "read");
  return { h, clock, woodpeckerRepoId: null };
}

/** Where the fakes' logs stand now: what happens after it is read with the functions below. */
export interface Mark {
  readonly github: number;
  readonly t3: number;
}

export function markNow(h: Harness): Mark {
  return { github: h.github.requests.length, t3: h.t3.commands.length };
}

/**
 * Every GitHub write afk made since the mark, as `METHOD path` without the repo prefix; an
 * edit of a comment names the issue it is on: `PATCH comment on #5`.
 */
export function writesSince(h: Harness, mark: Mark): string[] {
  return h.github.requests
    .slice(mark.github)
    .filter((request) => request.method !== "GET")
    .map((request) => {
      const path = request.path.replace(/^\/repos\/[^/]+\/[^/]+/, "");
      const edited = /^\/issues\/comments\/(\d+)$/.exec(path);
      return edited === null
        ? `${request.method} ${path}`
        : `${request.method} comment on #${issueOf(h, Number(edited[1]))}`;
    });
}

function issueOf(h: Harness, commentId: number): number | null {
  for (const repo of h.github.repos.values())
    for (const issue of repo.issues.values())
      if (issue.comments.some((comment) => comment.id === commentId)) return issue.number;
  return null;
}

/** The T3 commands afk sent since the mark, each as `type thread-id` (project.create has none). */
export function t3SentSince(h: Harness, mark: Mark): string[] {
  return h.t3.commands
    .slice(mark.t3)
    .map((command) =>
      command.threadId === undefined ? String(command.type) : `${String(command.type)} ${String(command.threadId)}`,
    );
}
