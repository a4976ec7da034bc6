/**
 * Parquet schema elements for Arrow fields (for columns that did not come
 * from Parquet), and the comparison of Arrow types that decides whether a
 * column still has the type it was read with.
 */
import {
  type DataType, type Decimal, type Field, type FixedSizeBinary, type FixedSizeList, type Int, type List,
  type Map_, type Struct, type Time, type Timestamp, DateUnit, TimeUnit, Type,
} from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';
import { DataError } from '../../core/errors.js';

/** The schema elements of an Arrow field: its own, then its descendants in file order. */
export function elementsForField(field: Field, column: string = field.name): SchemaElement[] {
  const repetition_type = field.nullable ? 'OPTIONAL' : 'REQUIRED';
  const type = field.type as DataType;
  const name = field.name;
  switch (type.typeId) {
    case Type.Dictionary:
      return elementsForField(field.clone({ type: (type as DataType & { dictionary: DataType }).dictionary }), column);
    case Type.Struct: {
      const children = (type as Struct).children.flatMap((child) => elementsForField(child, column));
      return [{ name, repetition_type, num_children: (type as Struct).children.length }, ...children];
    }
    case Type.List:
    case Type.LargeList:
    case Type.FixedSizeList: {
      const item = (type as List | FixedSizeList).children[0]!;
      return [
        { name, repetition_type, num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        ...elementsForField(item.clone({ name: 'element' }), column),
      ];
    }
    case Type.Map: {
      const [key, value] = (type as Map_).childType.children;
      return [
        { name, repetition_type, num_children: 1, converted_type: 'MAP', logical_type: { type: 'MAP' } },
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        ...elementsForField(key!.clone({ name: 'key', nullable: false }), column),
        ...elementsForField(value!.clone({ name: 'value' }), column),
      ];
    }
    default: {
      const leaf = leafElement(type);
      if (!leaf) {
        throw new DataError(`column "${column}" has Arrow type ${String(type)}, which cannot be written to Parquet`, { hint: 'arrow-output' });
      }
      return [{ name, repetition_type, ...leaf }];
    }
  }
}

type LeafElement = Omit<SchemaElement, 'name' | 'repetition_type'>;

function integer(type: 'INT32' | 'INT64', bitWidth: number, isSigned: boolean): LeafElement {
  const converted_type = `${isSigned ? 'INT' : 'UINT'}_${bitWidth}` as SchemaElement['converted_type'];
  return { type, converted_type, logical_type: { type: 'INTEGER', bitWidth, isSigned } };
}

function leafElement(type: DataType): LeafElement | undefined {
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = type as Int;
      return integer(bitWidth === 64 ? 'INT64' : 'INT32', bitWidth, isSigned);
    }
    case Type.Float: {
      const precision = (type as DataType & { precision: number }).precision;
      if (precision === 0) return { type: 'FIXED_LEN_BYTE_ARRAY', type_length: 2, logical_type: { type: 'FLOAT16' } };
      return { type: precision === 1 ? 'FLOAT' : 'DOUBLE' };
    }
    case Type.Bool:
      return { type: 'BOOLEAN' };
    case Type.Null:
      // As Arrow C++ and Polars write it: INT32 with the NULL logical type, every value null.
      return { type: 'INT32', logical_type: { type: 'NULL' } };
    case Type.Utf8:
    case Type.LargeUtf8:
    case Type.Utf8View:
      return { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case Type.Binary:
    case Type.LargeBinary:
    case Type.BinaryView:
      return { type: 'BYTE_ARRAY' };
    case Type.FixedSizeBinary:
      return { type: 'FIXED_LEN_BYTE_ARRAY', type_length: (type as FixedSizeBinary).byteWidth };
    case Type.Date:
      return { type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case Type.Timestamp: {
      const { unit, timezone } = type as Timestamp;
      const isAdjustedToUTC = Boolean(timezone);
      // Parquet has no seconds: they are written as milliseconds.
      const parquetUnit = unit === TimeUnit.NANOSECOND ? 'NANOS' : unit === TimeUnit.MICROSECOND ? 'MICROS' : 'MILLIS';
      const converted_type = isAdjustedToUTC && parquetUnit !== 'NANOS' ? (`TIMESTAMP_${parquetUnit}` as const) : undefined;
      return { type: 'INT64', converted_type, logical_type: { type: 'TIMESTAMP', isAdjustedToUTC, unit: parquetUnit } };
    }
    case Type.Duration:
      // As pyarrow writes it: the ARROW:schema of the file keeps the unit.
      return { type: 'INT64' };
    case Type.Time: {
      const { unit } = type as Time;
      if (unit === TimeUnit.SECOND || unit === TimeUnit.MILLISECOND) {
        return { type: 'INT32', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: 'MILLIS' } };
      }
      return { type: 'INT64', logical_type: { type: 'TIME', isAdjustedToUTC: false, unit: unit === TimeUnit.MICROSECOND ? 'MICROS' : 'NANOS' } };
    }
    case Type.Decimal: {
      const { precision, scale } = type as Decimal;
      if (precision < 1 || precision > 76) return undefined;
      const decimal = { converted_type: 'DECIMAL' as const, precision, scale, logical_type: { type: 'DECIMAL' as const, precision, scale } };
      if (precision <= 9) return { type: 'INT32', ...decimal };
      if (precision <= 18) return { type: 'INT64', ...decimal };
      return { type: 'FIXED_LEN_BYTE_ARRAY', type_length: decimalBytes(precision), ...decimal };
    }
    default:
      return undefined;
  }
}

/** Fewest bytes whose two's complement holds every value of `precision` digits. */
function decimalBytes(precision: number): number {
  const max = 10n ** BigInt(precision) - 1n;
  let bytes = 1;
  while (max >= 1n << BigInt(8 * bytes - 1)) bytes++;
  return bytes;
}

/** Whether two Arrow types hold the same values (names and nullability of child fields aside). */
export function sameArrowType(a: DataType, b: DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const x = a as DataType & Record<string, unknown>;
  const y = b as DataType & Record<string, unknown>;
  for (const key of ['bitWidth', 'isSigned', 'precision', 'scale', 'byteWidth', 'unit', 'timezone', 'listSize', 'keysSorted']) {
    if ((x[key] ?? null) !== (y[key] ?? null)) return false;
  }
  const ac = a.children ?? [];
  const bc = b.children ?? [];
  return ac.length === bc.length && ac.every((child, i) => sameArrowType(child.type, bc[i]!.type));
}

/** Whether an Arrow date unit is days. */
export function isDateDay(type: DataType): boolean {
  return (type as DataType & { unit: DateUnit }).unit === DateUnit.DAY;
}
