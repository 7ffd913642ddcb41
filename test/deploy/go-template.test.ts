// The stand-in for Helm's template engine follows Go's rules where the chart depends on
// them; each case here is what `helm template` prints for the same input.

import { describe, expect, it } from "vitest";
import { parseTemplate, Renderer, type Templates } from "./support/go-template.js";

function render(source: string, data: unknown = {}): string {
  const templates: Templates = new Map();
  parseTemplate(templates, "t", source);
  return new Renderer(templates, data).render("t");
}

describe("the Go template stand-in", () => {
  it.each([
    ["{{- trims before and -}} after", "a  \n  {{- .x -}}  \n  b", "a1b"],
    ["a comment prints nothing", "a{{/* note */}}b{{- /* note */}}c", "abc"],
    ["if / else if / else", "{{ if .no }}1{{ else if .x }}2{{ else }}3{{ end }}", "2"],
    [
      "with sets the dot, else runs on empty",
      "{{ with .m }}{{ .k }}{{ end }}{{ with .no }}x{{ else }}y{{ end }}",
      "vy",
    ],
    ["range over a map runs in key order", "{{ range $k, $v := .m2 }}{{ $k }}={{ $v }};{{ end }}", "a=2;b=1;"],
    ["range over a list sets the dot; $ is the root", "{{ range .l }}{{ . }}{{ $.x }}{{ end }}", "p1q1"],
    ["a pipe passes the value last", '{{ "abc" | trimSuffix "c" | quote }}', '"ab"'],
    ["default takes the fallback for empty, 0 and false", '{{ default "d" .empty }}{{ default "d" 0 }}', "dd"],
    ["eq compares with any of several", '{{ eq "b" "a" "b" }}{{ eq "c" "a" "b" }}', "truefalse"],
    ["toString of nil is <nil>", "{{ toString .no }}", "<nil>"],
    ["a missing value prints nothing", "[{{ .no.deeper }}]", "[]"],
    ["a float64 from a million on prints in exponent form", "{{ .big }} {{ .small }}", "1.234567e+06 123456"],
    ["int64 prints whole", "{{ .big | int64 }}", "1234567"],
    ["nindent starts a new line and indents every line", "x:{{ toYaml .m | nindent 2 }}", "x:\n  k: v"],
    ["toYaml quotes what YAML 1.1 would read as a boolean", "{{ toYaml .onoff }}", 'a: "on"\nb: "off"'],
  ])("%s", (_name, source, expected) => {
    const data = {
      x: 1,
      m: { k: "v" },
      m2: { b: 1, a: 2 },
      l: ["p", "q"],
      empty: "",
      big: 1234567,
      small: 123456,
      onoff: { a: "on", b: "off" },
    };
    expect(render(source, data)).toBe(expected);
  });

  it("refuses what it does not implement, rather than guess", () => {
    expect(() => render("{{ lookup 1 }}")).toThrow(/unsupported function: lookup/);
    expect(() => render('{{ template "x" . }}')).toThrow(/unsupported/);
    expect(() => render("{{ if .x }}")).toThrow(/missing \{\{end\}\}/);
    expect(() => render('{{ required "set x" .x }}')).toThrow(/required: set x/);
  });

  it("renders a define through include with the given dot", () => {
    expect(render('{{- define "n" -}}[{{ .a }}]{{- end -}}{{ include "n" .m }}', { m: { a: "z" } })).toBe("[z]");
  });
});
