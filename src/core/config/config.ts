// The operator configuration (DESIGN section 9): every variable of `CONFIG_VARIABLES`
// read from an env-like object and the optional file, validated with zod, and every
// error collected, so one start-up attempt shows the operator all there is to fix.

import type { OperatorConfig } from "./config-types.js";
import type { ConfigError, ConfigResult } from "./config-errors.js";
import { toListItems } from "./config-field.js";
import { toRawText, toRawValues, toShown, type RawValue } from "./config-raw.js";
import { toGroupErrors, type Presence } from "./config-rules.js";
import { FIELDS, VARIABLE_NAMES, type VariableName, type VariableValues } from "./config-variables.js";
import { MINUTE_MS, SECOND_MS } from "../common/time.js";

interface Parsed<K extends VariableName> {
  readonly value: VariableValues[K];
  readonly errors: readonly ConfigError[];
}

export function parseOperatorConfig(
  env: Readonly<Record<string, string | undefined>>,
  file: Readonly<Record<string, unknown>> = {},
): ConfigResult<OperatorConfig> {
  const raw = toRawValues(env, file);
  const errors: ConfigError[] = [...raw.errors];
  const entries = VARIABLE_NAMES.map((name) => {
    const parsed = parseVariable(name, raw.values.get(name));
    errors.push(...parsed.errors);
    return [name, parsed] as const;
  });
  const invalid = new Set(entries.filter(([, parsed]) => parsed.errors.length > 0).map(([name]) => name));
  // One entry per name of the table, each parsed by that name's own schema.
  const values = Object.fromEntries(entries.map(([name, parsed]) => [name, parsed.value])) as VariableValues;
  const presence: Presence = {
    isSet: (name) => raw.values.has(name),
    shown: (name) => {
      const value = raw.values.get(name);
      return value === undefined ? null : toShown(name, toRawText(value));
    },
    isValid: (name) => !invalid.has(name),
  };
  errors.push(...toGroupErrors(values, presence));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config: toOperatorConfig(values) };
}

/** A rejected value still yields the default, so group rules can run on every variable. */
function parseVariable<K extends VariableName>(name: K, raw: RawValue | undefined): Parsed<K> {
  const fallback = toFallback(name);
  if (raw === undefined) return { value: fallback, errors: [] };
  const field = FIELDS[name];
  const input = field.input.kind === "list" ? toItems(raw) : raw.kind === "text" ? raw.text : null;
  const shown = toShown(name, toRawText(raw));
  if (input === null) {
    return {
      value: fallback,
      errors: [
        {
          variable: name,
          value: shown,
          problem: "a list, but this variable takes a single value",
          accepted: field.accepted,
        },
      ],
    };
  }
  const result = field.input.schema.safeParse(input);
  if (result.success) return { value: result.data as VariableValues[K], errors: [] };
  const errors = result.error.issues.map((issue) => ({
    variable: name,
    value: shown,
    problem: issue.message,
    accepted: field.accepted,
  }));
  return { value: fallback, errors };
}

function toItems(raw: RawValue): string[] {
  return raw.kind === "items" ? [...raw.items] : toListItems(raw.text);
}

/** The default is table data, not input: one that does not parse is a bug in afk. */
function toFallback<K extends VariableName>(name: K): VariableValues[K] {
  const field = FIELDS[name];
  if (field.fallback === null) return null as VariableValues[K];
  const input = field.input.kind === "list" ? toListItems(field.fallback) : field.fallback;
  const result = field.input.schema.safeParse(input);
  if (!result.success) throw new Error(`afk bug: the default of ${name} does not parse`);
  return result.data as VariableValues[K];
}

function toOperatorConfig(values: VariableValues): OperatorConfig {
  return {
    killSwitch: values.AFK_KILL_SWITCH,
    allowlist: values.AFK_ALLOWLIST,
    t3: {
      baseUrl: values.T3_BASE_URL,
      token: values.T3_TOKEN,
      tokenFile: values.T3_TOKEN_FILE,
      instanceId: values.T3_INSTANCE_ID,
      model: values.T3_MODEL,
      workspaceBase: values.T3_WORKSPACE_BASE,
      runtimeMode: values.T3_RUNTIME_MODE,
    },
    labels: {
      ready: values.AFK_LABEL_READY,
      inProgress: values.AFK_LABEL_IN_PROGRESS,
      human: values.AFK_LABEL_HUMAN,
      priorityPrefix: values.AFK_PRIORITY_LABEL_PREFIX,
    },
    trustedRoles: values.AFK_TRUSTED_ROLES,
    trustedBots: values.AFK_TRUSTED_BOTS,
    maxConcurrentRuns: values.AFK_MAX_CONCURRENT_RUNS,
    defaultPriority: values.AFK_DEFAULT_PRIORITY,
    budgets: {
      fixForwardTurns: values.AFK_FIX_FORWARD_TURNS,
      runMs: values.AFK_RUN_BUDGET_MINUTES * MINUTE_MS,
      ciMs: values.AFK_CI_TIMEOUT_MINUTES * MINUTE_MS,
      ciNoChecksMs: values.AFK_CI_NO_CHECKS_MINUTES * MINUTE_MS,
      deployMs: values.AFK_DEPLOY_TIMEOUT_MINUTES * MINUTE_MS,
      deployBlockedMs: values.AFK_DEPLOY_BLOCKED_MINUTES * MINUTE_MS,
      rolloutMs: values.AFK_ROLLOUT_TIMEOUT_MINUTES * MINUTE_MS,
    },
    sweepIntervalMs: values.AFK_SWEEP_INTERVAL_SECONDS * SECOND_MS,
    woodpecker:
      values.WOODPECKER_URL !== null && values.WOODPECKER_TOKEN !== null
        ? { url: values.WOODPECKER_URL, token: values.WOODPECKER_TOKEN }
        : null,
    slack: toSlackConfig(values),
    kube: { apiUrl: toKubeApiUrl(values), tokenFile: values.AFK_KUBE_TOKEN_FILE, caFile: values.AFK_KUBE_CA_FILE },
    statusToken: values.AFK_STATUS_TOKEN,
  };
}

function toSlackConfig(values: VariableValues): OperatorConfig["slack"] {
  const { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: signingSecret, SLACK_CHANNEL: channel } = values;
  if (botToken === null || signingSecret === null || channel === null) return null;
  return {
    botToken,
    signingSecret,
    channel,
    allowedUsers: values.SLACK_ALLOWED_USERS,
    apiUrl: values.SLACK_API_URL,
    announceShipped: values.AFK_SLACK_ANNOUNCE_SHIPPED,
  };
}

/** The override wins; inside a pod Kubernetes names its API by host and port. */
function toKubeApiUrl(values: VariableValues): string | null {
  if (values.AFK_KUBE_API_URL !== null) return values.AFK_KUBE_API_URL;
  if (values.KUBERNETES_SERVICE_HOST === null) return null;
  return `https://${values.KUBERNETES_SERVICE_HOST}:${values.KUBERNETES_SERVICE_PORT}`;
}
