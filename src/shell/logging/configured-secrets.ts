// Every secret value afk is configured with, as the secret scrubber must know them: the
// GitHub App's private key (in each form Probot accepts it), the webhook secret, the T3,
// Woodpecker and Slack tokens, Slack's signing secret, the status page's token, and the
// contents of the token files (T3's, and the Kubernetes service account's once afk reads
// it), which rotate: they are read again now and then, and every value seen stays secret.

import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { OperatorConfig } from "../../core/config/config-types.js";
import type { SecretScrubber } from "./secret-scrubber.js";

/** Token files rotate (Kubernetes refreshes a projected token at 80% of its hour): re-read every minute. */
export const SECRET_FILE_REREAD_MS = 60_000;

export interface ConfiguredSecrets {
  readonly values: readonly string[];
  /** Files whose content is a secret that may change. */
  readonly files: readonly string[];
}

type Env = Readonly<Record<string, string | undefined>>;

/** The private key as written, and as Probot decodes it (base64, or with `\n` escapes). */
function privateKeyForms(value: string | undefined): string[] {
  if (value === undefined || value === "") return [];
  const decoded = /^[A-Za-z0-9+/=\s]+$/.test(value) ? Buffer.from(value, "base64").toString("utf8") : value;
  return [...new Set([value, decoded, decoded.replace(/\\n/g, "\n")])];
}

export function toConfiguredSecrets(env: Env, config: OperatorConfig): ConfiguredSecrets {
  const values = [
    ...privateKeyForms(env.PRIVATE_KEY),
    env.WEBHOOK_SECRET,
    config.t3.token,
    config.woodpecker?.token,
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.statusToken,
  ].filter((value): value is string => typeof value === "string" && value !== "");
  const keyFile =
    env.PRIVATE_KEY_PATH === undefined || env.PRIVATE_KEY_PATH === "" ? null : resolve(env.PRIVATE_KEY_PATH);
  const files = [keyFile, config.t3.tokenFile, config.kube.apiUrl === null ? null : config.kube.tokenFile];
  return { values, files: files.filter((file): file is string => file !== null) };
}

/** Reads each file into the scrubber, now and every SECRET_FILE_REREAD_MS; a missing file is skipped. */
export function keepSecretFilesKnown(
  files: readonly string[],
  scrubber: SecretScrubber,
  read: (path: string) => string = (path) => readFileSync(path, "utf8"),
): () => void {
  const readAll = (): void => {
    for (const file of files) {
      let content: string;
      try {
        content = read(file);
      } catch {
        // Not there (yet): a file that appears later is read at the next pass.
        continue;
      }
      scrubber.add(content);
    }
  };
  readAll();
  if (files.length === 0) return () => undefined;
  const timer = setInterval(readAll, SECRET_FILE_REREAD_MS);
  timer.unref();
  return () => clearInterval(timer);
}
