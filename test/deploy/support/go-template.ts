// A Go text/template interpreter for the subset afk's chart uses, with Helm's and Sprig's
// functions of that subset, so that tests can render the chart without a Helm binary.
// Anything outside the subset throws: a template cannot quietly rely on something this
// file does not implement the way Helm does.

import { FUNCTIONS, isTrue, toText, type Value } from "./go-template-functions.js";

type Node =
  | { kind: "text"; text: string }
  | { kind: "action"; pipe: Pipe }
  | { kind: "if"; branches: { pipe: Pipe; body: Node[] }[]; otherwise: Node[] }
  | { kind: "with"; pipe: Pipe; body: Node[]; otherwise: Node[] }
  | { kind: "range"; pipe: Pipe; body: Node[]; otherwise: Node[] };

interface Pipe {
  readonly decl: readonly string[];
  readonly commands: readonly Operand[][];
}

type Operand =
  | { kind: "literal"; value: Value }
  | { kind: "field"; base: string | null; path: readonly string[] }
  | { kind: "function"; name: string }
  | { kind: "pipe"; pipe: Pipe };

export type Templates = Map<string, Node[]>;

/** Parses one file into `templates`: its own text under `name`, and every `define` in it. */
export function parseTemplate(templates: Templates, name: string, source: string): void {
  const tokens = toTokens(source);
  let position = 0;
  const parseList = (stops: readonly string[]): { nodes: Node[]; stop: string; rest: string } => {
    const nodes: Node[] = [];
    while (position < tokens.length) {
      const token = tokens[position++] as Token;
      if (token.kind === "text") {
        nodes.push({ kind: "text", text: token.text });
        continue;
      }
      const [word = ""] = token.words;
      const restText = token.body.slice(word.length).trim();
      if (stops.includes(word)) return { nodes, stop: word, rest: restText };
      if (word === "if") nodes.push(parseIf(restText));
      else if (word === "with" || word === "range") {
        const body = parseList(["else", "end"]);
        const otherwise = body.stop === "else" ? parseList(["end"]).nodes : [];
        nodes.push({ kind: word, pipe: parsePipe(restText), body: body.nodes, otherwise });
      } else if (word === "define") {
        const defined = JSON.parse(restText) as string;
        templates.set(defined, parseList(["end"]).nodes);
      } else if (word === "comment") continue;
      else if (["else", "end", "template", "block", "break", "continue"].includes(word)) {
        throw new Error(`${name}: unsupported or misplaced {{${word}}}`);
      } else nodes.push({ kind: "action", pipe: parsePipe(token.body) });
    }
    if (stops.length > 0) throw new Error(`${name}: missing {{end}}`);
    return { nodes, stop: "", rest: "" };
  };
  const parseIf = (condition: string): Node => {
    const branches: { pipe: Pipe; body: Node[] }[] = [];
    let pipe = parsePipe(condition);
    for (;;) {
      const body = parseList(["else", "end"]);
      branches.push({ pipe, body: body.nodes });
      if (body.stop === "end") return { kind: "if", branches, otherwise: [] };
      if (body.rest.startsWith("if ")) pipe = parsePipe(body.rest.slice(3));
      else return { kind: "if", branches, otherwise: parseList(["end"]).nodes };
    }
  };
  templates.set(name, parseList([]).nodes);
}

type Token = { kind: "text"; text: string } | { kind: "action"; body: string; words: string[] };

function toTokens(source: string): Token[] {
  const tokens: Token[] = [];
  let rest = source;
  let trimNext = false;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    let text = open < 0 ? rest : rest.slice(0, open);
    if (trimNext) text = text.replace(/^\s+/, "");
    if (open < 0) {
      tokens.push({ kind: "text", text });
      break;
    }
    const trimBefore = rest.startsWith("{{- ", open);
    if (trimBefore) text = text.replace(/\s+$/, "");
    tokens.push({ kind: "text", text });
    const close = rest.indexOf("}}", open);
    if (close < 0) throw new Error("unclosed action");
    let body = rest.slice(open + 2, close);
    trimNext = body.endsWith(" -");
    body = body.replace(/^- /, "").replace(/ -$/, "").trim();
    rest = rest.slice(close + 2);
    if (body.startsWith("/*")) {
      if (!body.endsWith("*/")) throw new Error(`bad comment: ${body}`);
      tokens.push({ kind: "action", body: "comment", words: ["comment"] });
      continue;
    }
    tokens.push({ kind: "action", body, words: body.split(/\s+/) });
  }
  return tokens;
}

function parsePipe(text: string): Pipe {
  const lexed = toLexemes(text);
  let position = 0;
  const parse = (): Pipe => {
    let decl: string[] = [];
    const assign = lexed.indexOf(":=", position);
    const close = lexed.indexOf(")", position);
    if (assign > 0 && (close < 0 || assign < close)) {
      decl = lexed.slice(position, assign).filter((word) => word !== ",");
      position = assign + 1;
    }
    const commands: Operand[][] = [[]];
    while (position < lexed.length) {
      const word = lexed[position++] as string;
      if (word === ")") break;
      if (word === "|") commands.push([]);
      else if (word === "(") commands.at(-1)?.push({ kind: "pipe", pipe: parse() });
      else commands.at(-1)?.push(toOperand(word));
    }
    return { decl, commands };
  };
  return parse();
}

function toLexemes(text: string): string[] {
  const pattern = /\s*("(?:[^"\\]|\\.)*"|`[^`]*`|:=|[()|,]|[^\s()|,]+)/gy;
  return [...text.matchAll(pattern)].map((match) => match[1] ?? "");
}

function toOperand(word: string): Operand {
  if (word.startsWith('"')) return { kind: "literal", value: JSON.parse(word) as string };
  if (word.startsWith("`")) return { kind: "literal", value: word.slice(1, -1) };
  if (/^-?\d+(\.\d+)?$/.test(word)) return { kind: "literal", value: Number(word) };
  if (word === "true" || word === "false") return { kind: "literal", value: word === "true" };
  if (word === "nil") return { kind: "literal", value: null };
  if (word === ".") return { kind: "field", base: null, path: [] };
  if (word.startsWith(".")) return { kind: "field", base: null, path: word.slice(1).split(".") };
  if (word.startsWith("$")) {
    const [base = "$", ...path] = word.split(".");
    return { kind: "field", base, path };
  }
  if (/^[A-Za-z]\w*$/.test(word)) return { kind: "function", name: word };
  throw new Error(`unsupported operand: ${word}`);
}

interface Scope {
  readonly dot: Value;
  readonly vars: Map<string, Value>;
}

export class Renderer {
  constructor(
    private readonly templates: Templates,
    private readonly root: Value,
  ) {}

  render(name: string, dot: Value = this.root): string {
    const nodes = this.templates.get(name);
    if (nodes === undefined) throw new Error(`no template named "${name}"`);
    return this.run(nodes, { dot, vars: new Map([["$", dot]]) });
  }

  private run(nodes: readonly Node[], scope: Scope): string {
    let out = "";
    const vars = new Map(scope.vars);
    const inner: Scope = { dot: scope.dot, vars };
    for (const node of nodes) {
      switch (node.kind) {
        case "text":
          out += node.text;
          break;
        case "action": {
          const value = this.pipe(node.pipe, inner);
          if (node.pipe.decl.length === 0) out += toText(value);
          break;
        }
        case "if": {
          const branch = node.branches.find((candidate) => isTrue(this.pipe(candidate.pipe, inner)));
          out += this.run(branch?.body ?? node.otherwise, inner);
          break;
        }
        case "with": {
          const value = this.pipe(node.pipe, inner);
          out += isTrue(value) ? this.run(node.body, { dot: value, vars }) : this.run(node.otherwise, inner);
          break;
        }
        case "range":
          out += this.range(node, inner);
          break;
      }
    }
    return out;
  }

  private range(node: Extract<Node, { kind: "range" }>, scope: Scope): string {
    const collection = this.pipe({ decl: [], commands: node.pipe.commands }, scope);
    const entries: [Value, Value][] = Array.isArray(collection)
      ? collection.map((item, index) => [index, item])
      : collection !== null && typeof collection === "object"
        ? Object.keys(collection)
            .sort()
            .map((key) => [key, (collection as Record<string, Value>)[key]])
        : [];
    if (entries.length === 0) return this.run(node.otherwise, scope);
    return entries
      .map(([key, item]) => {
        const vars = new Map(scope.vars);
        const [first, second] = node.pipe.decl;
        if (second !== undefined) vars.set(first as string, key).set(second, item);
        else if (first !== undefined) vars.set(first, item);
        return this.run(node.body, { dot: item, vars });
      })
      .join("");
  }

  private pipe(pipe: Pipe, scope: Scope): Value {
    let value: Value;
    pipe.commands.forEach((command, index) => {
      value = this.command(command, scope, index === 0 ? [] : [value]);
    });
    const [variable] = pipe.decl;
    if (variable !== undefined) scope.vars.set(variable, value);
    return value;
  }

  private command(command: readonly Operand[], scope: Scope, piped: Value[]): Value {
    const [head, ...args] = command;
    if (head === undefined) throw new Error("empty command");
    if (head.kind !== "function") {
      if (args.length > 0 || piped.length > 0) throw new Error("cannot call a non-function");
      return this.operand(head, scope);
    }
    const values = [...args.map((arg) => this.operand(arg, scope)), ...piped];
    if (head.name === "include") return this.render(values[0] as string, values[1]);
    const fn = FUNCTIONS[head.name];
    if (fn === undefined) throw new Error(`unsupported function: ${head.name}`);
    return fn(...values);
  }

  private operand(operand: Operand, scope: Scope): Value {
    switch (operand.kind) {
      case "literal":
        return operand.value;
      case "pipe":
        return this.pipe(operand.pipe, { dot: scope.dot, vars: scope.vars });
      case "function":
        return this.command([operand], scope, []);
      case "field": {
        let value: Value = operand.base === null ? scope.dot : scope.vars.get(operand.base);
        if (operand.base !== null && !scope.vars.has(operand.base)) throw new Error(`undefined ${operand.base}`);
        for (const key of operand.path) {
          if (value === null || value === undefined) return undefined;
          if (typeof value !== "object") throw new Error(`cannot read .${key} of ${toText(value)}`);
          value = (value as Record<string, Value>)[key];
        }
        return value;
      }
    }
  }
}
