// A strict reader of Prometheus' text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/), for tests: it throws on
// the first line a scraper would refuse or misread — a sample before its family's TYPE, a
// malformed name, label or value, a repeated series, a histogram whose buckets are not
// cumulative or whose +Inf bucket is not its count.

export type MetricType = "counter" | "gauge" | "histogram" | "summary" | "untyped";

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Family {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES: ReadonlySet<string> = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);
const SUFFIXES: Readonly<Record<MetricType, readonly string[]>> = {
  counter: [""],
  gauge: [""],
  untyped: [""],
  histogram: ["_bucket", "_sum", "_count"],
  summary: ["", "_sum", "_count"],
};

/** As Prometheus reads it (Go's ParseFloat): `NaN` and `±Inf` in any case (prom-client writes `Nan`). */
function parseValue(text: string, where: string): number {
  if (/^[+]?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`${where}: bad value ${text}`);
  return Number(text);
}

function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== "") {
    const match = /^([^=]+)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (match === null) throw new Error(`${where}: bad labels {${text}}`);
    const [whole, name = "", raw = ""] = match;
    if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new Error(`${where}: bad label name ${name}`);
    if (name in labels) throw new Error(`${where}: label ${name} twice`);
    labels[name] = raw.replace(/\\(["\\n])/g, (_m, c: string) => (c === "n" ? "\n" : c));
    rest = rest.slice(whole.length);
  }
  return labels;
}

function parseSample(line: string, where: string): Sample {
  const match = /^([^\s{]+)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/.exec(line);
  if (match === null) throw new Error(`${where}: not a sample: ${line}`);
  const [, name = "", labels = "", value = ""] = match;
  if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
  return { name, labels: parseLabels(labels, where), value: parseValue(value, where) };
}

/** Labels as one key, whatever their order. */
function toKey(labels: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

function familyOf(families: Map<string, Family>, sample: Sample): Family | undefined {
  for (const family of families.values())
    if (SUFFIXES[family.type].some((suffix) => `${family.name}${suffix}` === sample.name)) return family;
  return undefined;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples.filter((s) => s.name.endsWith("_bucket"))) {
    const { le, ...rest } = sample.labels;
    if (le === undefined) throw new Error(`${family.name}: a bucket without le`);
    const key = toKey(rest);
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, buckets] of series) {
    const values = buckets.map((b) => b.value);
    if (values.some((v, i) => i > 0 && v < (values[i - 1] ?? 0)))
      throw new Error(`${family.name}${key}: buckets not cumulative`);
    const inf = buckets.find((b) => b.labels.le === "+Inf");
    const count = family.samples.find((s) => s.name === `${family.name}_count` && toKey(s.labels) === key);
    if (inf === undefined || count === undefined || inf.value !== count.value)
      throw new Error(`${family.name}${key}: the +Inf bucket is not the count`);
  }
}

/** The families of a scrape, in order; throws on anything Prometheus would refuse. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("the exposition does not end with a newline");
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const seen = new Set<string>();
  text.split("\n").forEach((line, index) => {
    const where = `line ${index + 1}`;
    if (line.trim() === "") return;
    const comment = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
    if (comment !== null) {
      const [, kind, name = "", rest = ""] = comment;
      if (!METRIC_NAME.test(name)) throw new Error(`${where}: bad metric name ${name}`);
      if (kind === "HELP") return void helps.set(name, rest);
      if (!TYPES.has(rest)) throw new Error(`${where}: unknown type ${rest}`);
      if (families.has(name)) throw new Error(`${where}: TYPE of ${name} twice`);
      families.set(name, { name, type: rest as MetricType, help: helps.get(name) ?? "", samples: [] });
      return;
    }
    if (line.startsWith("#")) return;
    const sample = parseSample(line, where);
    const family = familyOf(families, sample);
    if (family === undefined) throw new Error(`${where}: ${sample.name} before its TYPE`);
    const key = `${sample.name}${toKey(sample.labels)}`;
    if (seen.has(key)) throw new Error(`${where}: series ${key} twice`);
    seen.add(key);
    family.samples.push(sample);
  });
  for (const family of families.values()) {
    if (family.help === "" && helps.has(family.name))
      families.set(family.name, { ...family, help: helps.get(family.name) ?? "" });
    if (family.type === "histogram") checkHistogram(family);
  }
  return families;
}

/** The value of one series (labels matched exactly), or undefined. */
export function valueOf(
  families: Map<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const family of families.values())
    for (const sample of family.samples)
      if (sample.name === name && toKey(sample.labels) === toKey(labels)) return sample.value;
  return undefined;
}

/** Every series of a sample name whose labels include `labels`. */
export function seriesOf(
  families: Map<string, Family>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): Sample[] {
  return [...families.values()].flatMap((family) =>
    family.samples.filter(
      (sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value),
    ),
  );
}
