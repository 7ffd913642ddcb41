// Slack obeys the same gates as GitHub (issue 9, items 9 and 10). The shell finds whose
// doorbell a reply or a button press is about (its index, else the thread parent's
// metadata); this decides what follows: act on the run, tell the person once why not,
// or nothing at all. A reply outside a doorbell's thread is none of afk's business, and
// a run in a repo afk does not act on now is not steered from Slack either.

import { assertNever } from "../common/assert-never.js";
import { isArmedFor } from "../config/arming.js";
import type { OperatorConfig } from "../config/config-types.js";
import {
  NOT_ALLOWED_NOTICE,
  NOT_ALLOWED_PRESS_NOTICE,
  renderNotActingNotice,
  type NotActingWhy,
  type SlackAct,
} from "../render/slack-notices.js";

export interface ArmingFacts extends Pick<OperatorConfig, "killSwitch" | "allowlist"> {
  /** Why afk refuses to arm although configured to (T3 too old), or null. */
  readonly refusal: string | null;
}

export type DoorbellGate =
  | { readonly kind: "open" }
  /** The kill switch: afk makes no outbound request at all (DESIGN 1.5), not even a notice. */
  | { readonly kind: "silenced" }
  | { readonly kind: "closed"; readonly why: NotActingWhy };

/** Whether afk acts on this repo now: the rule GitHub deliveries obey (`isArmedFor`), with its reason. */
export function decideDoorbellGate(arming: ArmingFacts, repo: string): DoorbellGate {
  if (arming.killSwitch) return { kind: "silenced" };
  if (!isArmedFor(arming, repo)) return { kind: "closed", why: { kind: "not-enrolled" } };
  if (arming.refusal !== null) return { kind: "closed", why: { kind: "refused", reason: arming.refusal } };
  return { kind: "open" };
}

/** What the shell found out about the thread (or the message) a person acted in. */
export type DoorbellFinding =
  | { readonly kind: "doorbell"; readonly repo: string }
  | { readonly kind: "not-a-doorbell" }
  /** Slack could not be read: afk cannot tell, so it neither acts nor speaks. */
  | { readonly kind: "unreadable" };

export interface DoorbellActInput {
  /** The person is on the list of allowed Slack users. */
  readonly allowed: boolean;
  readonly act: SlackAct;
  readonly finding: DoorbellFinding;
  readonly arming: ArmingFacts;
}

export type DoorbellVerdict =
  | { readonly kind: "act" }
  /** One ephemeral notice to the person, and nothing else. */
  | { readonly kind: "tell"; readonly text: string; readonly why: string }
  /** Nothing at all (a debug line). */
  | { readonly kind: "nothing"; readonly why: string };

export function decideDoorbellAct(input: DoorbellActInput): DoorbellVerdict {
  const { finding } = input;
  switch (finding.kind) {
    case "not-a-doorbell":
      // The channel is people's too: afk answers nobody outside its own threads.
      return { kind: "nothing", why: "not a doorbell's thread" };
    case "unreadable":
      return { kind: "nothing", why: "cannot tell whether it is a doorbell's thread" };
    case "doorbell":
      return decideOnDoorbell(input, finding.repo);
    default:
      return assertNever(finding);
  }
}

function decideOnDoorbell(input: DoorbellActInput, repo: string): DoorbellVerdict {
  const gate = decideDoorbellGate(input.arming, repo);
  if (gate.kind === "silenced") return { kind: "nothing", why: "the kill switch is on" };
  if (!input.allowed)
    return {
      kind: "tell",
      text: input.act === "reply" ? NOT_ALLOWED_NOTICE : NOT_ALLOWED_PRESS_NOTICE,
      why: "the person may not steer agents",
    };
  if (gate.kind === "closed")
    return {
      kind: "tell",
      text: renderNotActingNotice(repo, gate.why, input.act),
      why: `afk does not act on ${repo} now (${gate.why.kind})`,
    };
  return { kind: "act" };
}
