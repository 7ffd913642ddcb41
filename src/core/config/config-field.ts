// One operator variable: what it means, what it accepts, its default, and the zod
// schema that turns its text into a typed value. The table of them is
// `config-variables.ts`; the README table and the parser both read that one table, so a
// variable cannot be parsed without being documented.

import type { z } from "zod";

export type FieldInput<T> =
  /** One value; text from the environment, or text, a number or a boolean from the file. */
  | { readonly kind: "text"; readonly schema: z.ZodType<T, string> }
  /** Comma-separated text, or (from the file) an array of strings. */
  | { readonly kind: "list"; readonly schema: z.ZodType<T, string[]> };

export interface Field<T, F extends string | null> {
  readonly meaning: string;
  /** The accepted form, as the error message states it. */
  readonly accepted: string;
  /** The text parsed when the variable is unset; null means the value is null then. */
  readonly fallback: F;
  /** What the README shows as the default when the fallback text would mislead. */
  readonly shownDefault?: string;
  readonly secret?: boolean;
  /** Read from the environment only; in the file it is an error. */
  readonly envOnly?: boolean;
  readonly input: FieldInput<T>;
}

type FieldSpec<T, F extends string | null, S> = Omit<Field<T, F>, "input"> & { readonly schema: S };

export function textField<T, const F extends string | null>(spec: FieldSpec<T, F, z.ZodType<T, string>>): Field<T, F> {
  const { schema, ...rest } = spec;
  return { ...rest, input: { kind: "text", schema } };
}

export function listField<T, const F extends string | null>(
  spec: FieldSpec<T, F, z.ZodType<T, string[]>>,
): Field<T, F> {
  const { schema, ...rest } = spec;
  return { ...rest, input: { kind: "list", schema } };
}

/** The parsed value: a field with a default always has one; one without may be null. */
export type FieldValue<X> = X extends Field<infer T, infer F> ? (F extends string ? T : T | null) : never;

/** Items of a comma-separated list, trimmed, empty items dropped. */
export function toListItems(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
