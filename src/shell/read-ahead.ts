// The reads a labeled delivery's reconcile is about to make, sent at once and side by
// side (issue 12: a label waited for seven reads one after the other before T3 heard of
// it). The delivery names the issue and the labeler, so the issue's progress comment, its
// events, its native blockers, the labeler's role and `.github/afk.yml` can all be asked
// for while the repo's ready list is read. The reconcile itself is unchanged: it reads
// through `tracker`, whose first call for each of those reads takes the answer already
// on its way. Nothing is decided here, and nothing is kept past the reconcile: the next
// one reads afresh. A write made through the tracker drops every read not yet taken,
// since it may have changed what they would say (the reconcile then reads again).

import { decideTrust, needsRoleLookup } from "../core/dispatch/decide-trust.js";
import { isDispatchCandidate } from "../core/dispatch/runs-in-flight.js";
import type { IssueTracker, RepoFacts } from "../ports/issue-tracker.js";
import type { Result } from "../ports/result.js";
import type { AfkService } from "./afk-service.js";
import type { LabelHint } from "./read-ready.js";

export interface ReadAhead {
  /** The reconcile's tracker: the reads begun ahead answer its first matching calls. */
  readonly tracker: IssueTracker;
  /** The labeled issue may be dispatched: T3's threads will be read too. */
  readonly mayDispatch: boolean;
}

/** A read begun ahead. */
type Pending = Map<string, Promise<Result<unknown>>>;

async function take<T>(pending: Pending, key: string, read: () => Promise<Result<T>>): Promise<Result<T>> {
  const ahead = pending.get(key) as Promise<Result<T>> | undefined;
  if (ahead === undefined) return read();
  pending.delete(key);
  return ahead;
}

/** A write: every read begun ahead and not yet taken is dropped before it goes. */
function writing<A extends unknown[], T>(pending: Pending, write: (...args: A) => Promise<T>) {
  return (...args: A): Promise<T> => {
    pending.clear();
    return write(...args);
  };
}

function toTracker(issues: IssueTracker, pending: Pending): IssueTracker {
  return {
    getRepo: (repo) => issues.getRepo(repo),
    listOpenIssuesWithLabel: (repo, label) => issues.listOpenIssuesWithLabel(repo, label),
    listClosedIssuesWithLabel: (repo, label) => issues.listClosedIssuesWithLabel(repo, label),
    getIssue: (repo, issue) => issues.getIssue(repo, issue),
    listNativeBlockers: (repo, issue) =>
      take(pending, `blockers ${repo}#${issue}`, () => issues.listNativeBlockers(repo, issue)),
    listIssueEvents: (repo, issue) =>
      take(pending, `events ${repo}#${issue}`, () => issues.listIssueEvents(repo, issue)),
    getRole: (repo, login) => take(pending, `role ${repo} ${login.toLowerCase()}`, () => issues.getRole(repo, login)),
    readFile: (repo, path, ref) => take(pending, `file ${repo} ${path}@${ref}`, () => issues.readFile(repo, path, ref)),
    listComments: (repo, issue) => take(pending, `comments ${repo}#${issue}`, () => issues.listComments(repo, issue)),
    createComment: writing(pending, issues.createComment.bind(issues)),
    updateComment: writing(pending, issues.updateComment.bind(issues)),
    addLabels: writing(pending, issues.addLabels.bind(issues)),
    removeLabel: writing(pending, issues.removeLabel.bind(issues)),
    ensureLabel: writing(pending, issues.ensureLabel.bind(issues)),
    closeIssue: writing(pending, issues.closeIssue.bind(issues)),
    reopenIssue: writing(pending, issues.reopenIssue.bind(issues)),
  };
}

/**
 * Begins the reads a reconcile for this labeled issue will make, unless its run is under
 * way (then the label changes nothing and nothing is read ahead). Port calls answer
 * failures as values, so a read begun ahead and never taken fails no one.
 */
export function readAhead(
  afk: AfkService,
  repo: string,
  facts: RepoFacts,
  issues: IssueTracker,
  hint: LabelHint | null,
  configPath: string,
): ReadAhead {
  const pending: Pending = new Map();
  const tracker = toTracker(issues, pending);
  if (hint === null) return { tracker, mayDispatch: false };
  const known = afk.index.get(repo, hint.issue);
  const record = known?.record ?? null;
  const escalated = record?.phase === "escalated";
  if (!isDispatchCandidate(record) && !escalated) return { tracker, mayDispatch: false };
  const begin = (key: string, read: () => Promise<Result<unknown>>): void => void pending.set(key, read());
  // An issue the delivery saw without a comment most likely still has none: the ready
  // list's count decides (read-ready.ts), and reads them after all if one came since.
  if (known === undefined && hint.comments !== 0)
    begin(`comments ${repo}#${hint.issue}`, () => issues.listComments(repo, hint.issue));
  begin(`events ${repo}#${hint.issue}`, () => issues.listIssueEvents(repo, hint.issue));
  const { labeler } = hint;
  const cached = afk.roles.get(`${repo}:${labeler.login.toLowerCase()}`);
  const lookup = cached === undefined && needsRoleLookup(labeler, facts.owner, afk.config);
  if (lookup) begin(`role ${repo} ${labeler.login.toLowerCase()}`, () => issues.getRole(repo, labeler.login));
  if (escalated) return { tracker, mayDispatch: false };
  // Blockers and the repo's file go out beside the role, not after it: waiting for the
  // role put a second round trip before every dispatch. A labeler afk already knows it
  // does not trust (their role cached) makes it read neither; one it does not know yet
  // costs these two reads, which the reconcile then leaves untaken.
  const trust = lookup
    ? null
    : decideTrust({ labeler, role: cached ?? null, repoOwner: facts.owner, config: afk.config });
  if (trust !== null && !trust.trusted) return { tracker, mayDispatch: true };
  // Likewise for an issue the delivery saw blocked by none (the ready list's count decides).
  if (hint.blockedBy !== 0) begin(`blockers ${repo}#${hint.issue}`, () => issues.listNativeBlockers(repo, hint.issue));
  begin(`file ${repo} ${configPath}@${facts.defaultBranch}`, () =>
    issues.readFile(repo, configPath, facts.defaultBranch),
  );
  return { tracker, mayDispatch: true };
}
