/**
 * Whether the rows of one schema can be written into a table of another:
 * the same column names in the same order, the same types (with their
 * parameters and nested fields), and nulls only where the table allows
 * them (a column that may hold none fits one that may).
 */
import type { Field, Schema } from 'apache-arrow';
import { sameArrowType } from '../parquet/arrow-types.js';

/** Why `got` does not fit `want`: another type, or nulls where `want` has none (at any depth). */
function misfit(got: Field, want: Field): 'type' | 'nulls' | undefined {
  if (!sameArrowType(got.type, want.type) || String(got.type) !== String(want.type)) return 'type';
  const a: Field[] = got.type.children ?? [];
  const b: Field[] = want.type.children ?? [];
  if (a.length !== b.length || a.some((child, i) => child.name !== b[i]!.name)) return 'type';
  const inside = a.map((child, i) => misfit(child, b[i]!));
  if (inside.includes('type')) return 'type';
  return (got.nullable && !want.nullable) || inside.includes('nulls') ? 'nulls' : undefined;
}

/**
 * How `schema` (of `name`) fails to fit `reference` (of `referenceName`),
 * or undefined when its rows fit a table of the reference's schema.
 */
export function schemaDifference(reference: Schema, referenceName: string, schema: Schema, name: string): string | undefined {
  const count = Math.max(reference.fields.length, schema.fields.length);
  for (let i = 0; i < count; i++) {
    const want = reference.fields[i];
    const got = schema.fields[i];
    if (!got) return `${name} has no column "${want!.name}" (column ${i + 1} of ${referenceName})`;
    if (!want) return `${name} has a column "${got.name}" that ${referenceName} has not`;
    if (got.name !== want.name) return `column ${i + 1} is "${got.name}" in ${name} but "${want.name}" in ${referenceName}`;
    const why = misfit(got, want);
    if (why === 'type') {
      const shown = String(got.type) === String(want.type) ? `${got.type} with other nested fields` : String(got.type);
      return `column "${got.name}" is ${shown} in ${name} but ${want.type} in ${referenceName}`;
    }
    if (why === 'nulls') return `column "${got.name}" may hold nulls in ${name} but not in ${referenceName}`;
  }
  return undefined;
}
