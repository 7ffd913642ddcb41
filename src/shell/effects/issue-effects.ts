// The effects on the issue (DESIGN section 5): labels, the progress comment (edited in
// place; a deleted one is written anew rather than lose the record), notices, close.

import { hasText } from "../../core/common/text.js";
import { renderProgressComment } from "../../core/render/render-progress.js";
import type { Effect } from "../../core/run/effect.js";
import type { RunRecord } from "../../core/run/run-types.js";
import type { Result } from "../../ports/result.js";
import { fromPort, OK, type EffectDeps, type EffectTarget, type Step } from "./effect-step.js";

export async function addLabels(
  effect: Extract<Effect, { kind: "AddLabels" }>,
  target: EffectTarget,
  deps: EffectDeps,
): Promise<Step> {
  const ensured = await deps.ensureLabels(target.repo);
  if (!ensured.ok) return fromPort(ensured, "creating afk's labels");
  return fromPort(
    await deps.issues.addLabels(target.repo, target.issue, effect.labels),
    `adding ${effect.labels.join(", ")}`,
  );
}

export async function removeLabels(
  effect: Extract<Effect, { kind: "RemoveLabels" }>,
  target: EffectTarget,
  deps: EffectDeps,
): Promise<Step> {
  // Each removal answers the labels left on the issue: a label it no longer lists is not
  // asked for (GitHub would answer 404, and charge it).
  let left: readonly string[] | null = null;
  for (const label of effect.labels) {
    if (left !== null && !hasText(left, label)) continue;
    const removed = await deps.issues.removeLabel(target.repo, target.issue, label);
    if (!removed.ok) return fromPort(removed, `removing ${label}`);
    left = removed.value;
  }
  return OK;
}

export async function upsertProgressComment(
  record: RunRecord,
  target: EffectTarget,
  commentId: number | null,
  deps: EffectDeps,
): Promise<Step> {
  const body = renderProgressComment(record, deps.clock(), deps.render);
  if (commentId !== null) {
    const updated = await deps.issues.updateComment(target.repo, commentId, body);
    if (updated.ok) return OK;
    // Deleted by a human: write a new one rather than lose the record.
    if (updated.error.category !== "not-found") return fromPort(updated, "editing the progress comment");
  }
  const created = await deps.issues.createComment(target.repo, target.issue, body);
  if (!created.ok) return fromPort(created, "creating the progress comment");
  return { ok: true, commentId: created.value.id };
}

/**
 * A notice is posted once: not when one of afk's comments already carries its marker. The
 * comments are read before posting unless the markers afk holds are all there are (read
 * from the comments, and every post since answered): a post whose answer was lost (a
 * timeout) may have landed all the same.
 */
export async function postNotice(
  effect: Extract<Effect, { kind: "PostNotice" }>,
  target: EffectTarget,
  deps: EffectDeps,
): Promise<Step> {
  if (deps.notices.has(effect.marker)) return OK;
  const posted = await isPosted(effect.marker, target, deps);
  if (!posted.ok) return fromPort(posted, "reading afk's comments before posting a notice");
  if (!posted.value) {
    const created = await deps.issues.createComment(target.repo, target.issue, effect.body);
    if (!created.ok) {
      deps.notices.doubt();
      return fromPort(created, "posting a notice");
    }
  }
  deps.notices.add(effect.marker);
  return OK;
}

/** Whether one of afk's comments carries the marker; read only when the markers afk holds may not be all. */
async function isPosted(marker: string, target: EffectTarget, deps: EffectDeps): Promise<Result<boolean>> {
  if (deps.notices.complete()) return { ok: true, value: false };
  const comments = await deps.issues.listComments(target.repo, target.issue);
  if (!comments.ok) return comments;
  return {
    ok: true,
    value: comments.value.some((comment) => comment.appId === deps.appId && comment.body.includes(marker)),
  };
}
