// Rules that span several operator variables: pairs and groups that only make sense
// together, what arming needs, and labels that must differ. Presence is judged on the
// raw values, so a group is reported complete or not even when one member is malformed.

import type { ConfigError } from "./config-errors.js";
import type { VariableName, VariableValues } from "./config-variables.js";

export interface Presence {
  isSet(name: VariableName): boolean;
  /** The value as an error may show it (secrets redacted); null when unset. */
  shown(name: VariableName): string | null;
  /** False when the value was set but rejected (its parsed value is then the default). */
  isValid(name: VariableName): boolean;
}

const SLACK_REQUIRED = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CHANNEL"] as const;
const LABELS = ["AFK_LABEL_READY", "AFK_LABEL_IN_PROGRESS", "AFK_LABEL_HUMAN"] as const;

export function toGroupErrors(values: VariableValues, presence: Presence): ConfigError[] {
  return [
    ...toT3Errors(values, presence),
    ...toTogetherErrors(["WOODPECKER_URL", "WOODPECKER_TOKEN"], presence),
    ...toTogetherErrors(SLACK_REQUIRED, presence),
    ...toSlackExtrasErrors(values, presence),
    ...toLabelErrors(values, presence),
  ];
}

function toT3Errors(values: VariableValues, presence: Presence): ConfigError[] {
  const errors: ConfigError[] = [];
  const hasToken = presence.isSet("T3_TOKEN");
  const hasFile = presence.isSet("T3_TOKEN_FILE");
  if (hasToken && hasFile) {
    errors.push({
      variable: "T3_TOKEN_FILE",
      value: presence.shown("T3_TOKEN_FILE"),
      problem: "set together with T3_TOKEN",
      accepted: "set one of T3_TOKEN or T3_TOKEN_FILE",
    });
  }
  // Arming is judged on the parsed kill switch: a malformed one is already an error.
  if (values.AFK_KILL_SWITCH) return errors;
  const armed = "required when AFK_KILL_SWITCH is off (afk armed)";
  if (!presence.isSet("T3_BASE_URL")) {
    errors.push({
      variable: "T3_BASE_URL",
      value: null,
      problem: `missing: ${armed}`,
      accepted: "an http(s) URL of the T3 Code server",
    });
  }
  if (!hasToken && !hasFile) {
    errors.push({
      variable: "T3_TOKEN",
      value: null,
      problem: `neither T3_TOKEN nor T3_TOKEN_FILE is set: one is ${armed}`,
      accepted: "set T3_TOKEN or T3_TOKEN_FILE",
    });
  }
  return errors;
}

/** Variables that are all set or all unset: each missing one is named. */
function toTogetherErrors(names: readonly VariableName[], presence: Presence): ConfigError[] {
  const set = names.filter((name) => presence.isSet(name));
  if (set.length === 0 || set.length === names.length) return [];
  return names
    .filter((name) => !presence.isSet(name))
    .map((name) => ({
      variable: name,
      value: null,
      problem: `missing: ${set.join(" and ")} ${set.length === 1 ? "is" : "are"} set`,
      accepted: `set all of ${names.join(", ")}, or none`,
    }));
}

/** Doorbell settings without a doorbell are a mistake, not something to ignore. */
function toSlackExtrasErrors(values: VariableValues, presence: Presence): ConfigError[] {
  if (SLACK_REQUIRED.some((name) => presence.isSet(name))) return [];
  const used: VariableName[] = [];
  if (values.SLACK_ALLOWED_USERS.length > 0) used.push("SLACK_ALLOWED_USERS");
  if (values.SLACK_API_URL !== null) used.push("SLACK_API_URL");
  if (values.AFK_SLACK_ANNOUNCE_SHIPPED) used.push("AFK_SLACK_ANNOUNCE_SHIPPED");
  return used.map((name) => ({
    variable: name,
    value: presence.shown(name),
    problem: "set, but Slack is not configured",
    accepted: `set ${SLACK_REQUIRED.join(", ")} as well, or leave it unset`,
  }));
}

/** GitHub label names are case-insensitive, so distinct means distinct ignoring case. */
function toLabelErrors(values: VariableValues, presence: Presence): ConfigError[] {
  const errors: ConfigError[] = [];
  const valid = LABELS.filter((name) => presence.isValid(name));
  valid.forEach((name, index) => {
    const earlier = valid.slice(0, index).find((other) => values[other].toLowerCase() === values[name].toLowerCase());
    if (earlier === undefined) return;
    errors.push({
      variable: name,
      value: presence.shown(name),
      problem: `the same label as ${earlier}`,
      accepted: `a label distinct from ${LABELS.filter((other) => other !== name).join(" and ")}`,
    });
  });
  return errors;
}
