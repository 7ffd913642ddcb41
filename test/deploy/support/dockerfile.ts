// A small reader of Dockerfiles, for tests that check the image without a Docker engine.
// It knows the instructions afk's Dockerfile uses: line continuations, comments, stages,
// ENV in both forms, exec (JSON) and shell forms, and COPY with --from.

export interface Instruction {
  readonly keyword: string;
  /** The text after the keyword, continuation lines joined. */
  readonly args: string;
  readonly line: number;
}

export interface Stage {
  readonly image: string;
  readonly name: string | null;
  readonly instructions: readonly Instruction[];
}

export interface Copy {
  /** The stage copied from, or null for the build context. */
  readonly from: string | null;
  readonly sources: readonly string[];
  readonly destination: string;
}

export function parseDockerfile(text: string): Stage[] {
  const stages: { image: string; name: string | null; instructions: Instruction[] }[] = [];
  for (const instruction of toInstructions(text)) {
    if (instruction.keyword === "FROM") {
      const words = instruction.args.split(/\s+/).filter((word) => !word.startsWith("--"));
      const asAt = words.findIndex((word) => word.toUpperCase() === "AS");
      stages.push({ image: words[0] ?? "", name: asAt >= 0 ? (words[asAt + 1] ?? null) : null, instructions: [] });
      continue;
    }
    const current = stages.at(-1);
    if (current === undefined) throw new Error(`line ${instruction.line}: ${instruction.keyword} before FROM`);
    current.instructions.push(instruction);
  }
  return stages;
}

function toInstructions(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && pending === null)) return;
    const continued = line.endsWith("\\");
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending === null ? { text: part, line: index + 1 } : { ...pending, text: `${pending.text} ${part}` };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match !== null)
      instructions.push({ keyword: (match[1] ?? "").toUpperCase(), args: match[2] ?? "", line: pending.line });
    pending = null;
  });
  return instructions;
}

/** The words of an exec-form (JSON array) instruction, or null for the shell form. */
export function toExecForm(args: string): string[] | null {
  if (!args.trimStart().startsWith("[")) return null;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((word) => typeof word === "string")) {
    throw new Error(`not an exec form: ${args}`);
  }
  return parsed;
}

/** ENV key=value pairs (quotes removed), and the legacy `ENV key value` form. */
export function toEnv(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((instruction) => instruction.keyword === "ENV")) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(args)) {
      const [key = "", ...rest] = args.split(/\s+/);
      env[key] = rest.join(" ");
      continue;
    }
    for (const match of args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)/g)) {
      const value = match[2] ?? "";
      env[match[1] ?? ""] = /^["']/.test(value) ? value.slice(1, -1) : value;
    }
  }
  return env;
}

export function toCopies(stage: Stage): Copy[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === "COPY" || instruction.keyword === "ADD")
    .map(({ args }) => {
      const exec = toExecForm(args);
      const words = exec ?? args.split(/\s+/);
      const flags = words.filter((word) => word.startsWith("--"));
      const paths = words.filter((word) => !word.startsWith("--"));
      const from = flags.find((flag) => flag.startsWith("--from="))?.slice("--from=".length) ?? null;
      return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
    });
}

/** The working directory in force at the end of a stage (absolute). */
export function toWorkdir(stage: Stage): string {
  let workdir = "/";
  for (const { keyword, args } of stage.instructions) {
    if (keyword === "WORKDIR") workdir = args.startsWith("/") ? args : `${workdir.replace(/\/$/, "")}/${args}`;
  }
  return workdir;
}

export function only(stage: Stage, keyword: string): Instruction[] {
  return stage.instructions.filter((instruction) => instruction.keyword === keyword);
}
