/**
 * The Arrow type each primitive Parquet element reads as. Every mapping is
 * exact: the Arrow value holds the stored physical value bit for bit (INT96
 * and INTERVAL, which have no exact Arrow equivalent, keep their raw bytes in
 * a FixedSizeBinary). The reader and the writer share this table, so a value
 * read from Parquet writes back as the same physical value.
 */
import {
  Binary, Bool, type DataType, DateDay, Decimal, FixedSizeBinary, Float16, Float32, Float64,
  Int8, Int16, Int32, Int64, Null, TimeMicrosecond, TimeMillisecond, TimeNanosecond,
  TimestampMicrosecond, TimestampMillisecond, TimestampNanosecond, Uint8, Uint16, Uint32, Uint64, Utf8,
} from 'apache-arrow';
import type { SchemaElement } from 'hyparquet';

/** The element's annotation as one name: the logical type if known, else the converted type. */
export function annotationOf(element: SchemaElement): string | undefined {
  const logical = element.logical_type as { type?: unknown } | undefined;
  if (logical && typeof logical.type === 'string') return logical.type;
  return element.converted_type;
}

/** Whether the element carries a DECIMAL annotation (logical or converted). */
export function isDecimal(element: SchemaElement): boolean {
  return annotationOf(element) === 'DECIMAL' || element.converted_type === 'DECIMAL';
}

/** Precision and scale of a DECIMAL element (the logical type wins over the legacy fields). */
export function decimalParams(element: SchemaElement): { precision: number; scale: number } {
  const logical = element.logical_type;
  if (logical?.type === 'DECIMAL') return { precision: logical.precision, scale: logical.scale };
  return { precision: element.precision ?? 0, scale: element.scale ?? 0 };
}

/** Arrow type of a primitive element, or the reason it cannot be read. */
export function leafArrowType(element: SchemaElement): DataType | string {
  const annotation = annotationOf(element);
  const type = element.type;
  if (isDecimal(element)) return decimalType(element);
  // The NULL (formerly UNKNOWN) logical type: a column of nulls, whatever its physical type, as Arrow C++ and Polars write a Null column.
  if (element.logical_type?.type === 'NULL') return new Null();
  switch (type) {
    case 'BOOLEAN':
      return new Bool();
    case 'INT32':
      return int32Type(element, annotation);
    case 'INT64':
      return int64Type(element, annotation);
    case 'INT96':
      return new FixedSizeBinary(12);
    case 'FLOAT':
      return new Float32();
    case 'DOUBLE':
      return new Float64();
    case 'BYTE_ARRAY':
      if (annotation === 'STRING' || annotation === 'UTF8' || annotation === 'ENUM' || annotation === 'JSON') return new Utf8();
      return new Binary();
    case 'FIXED_LEN_BYTE_ARRAY': {
      const length = element.type_length ?? 0;
      if (!Number.isInteger(length) || length < 1) return `FIXED_LEN_BYTE_ARRAY with length ${length}`;
      if (annotation === 'FLOAT16') return length === 2 ? new Float16() : `FLOAT16 of ${length} bytes`;
      return new FixedSizeBinary(length);
    }
    default:
      return `physical type ${String(type)}`;
  }
}

function int32Type(element: SchemaElement, annotation: string | undefined): DataType | string {
  const logical = element.logical_type;
  if (logical?.type === 'INTEGER') {
    const { bitWidth, isSigned } = logical;
    if (bitWidth === 8) return isSigned ? new Int8() : new Uint8();
    if (bitWidth === 16) return isSigned ? new Int16() : new Uint16();
    if (bitWidth === 32) return isSigned ? new Int32() : new Uint32();
    return `INT32 annotated INTEGER(${bitWidth})`;
  }
  if (logical?.type === 'TIME') return logical.unit === 'MILLIS' ? new TimeMillisecond() : `INT32 annotated TIME(${logical.unit})`;
  switch (annotation) {
    case undefined:
    case 'INT_32':
      return new Int32();
    case 'INT_8':
      return new Int8();
    case 'INT_16':
      return new Int16();
    case 'UINT_8':
      return new Uint8();
    case 'UINT_16':
      return new Uint16();
    case 'UINT_32':
      return new Uint32();
    case 'DATE':
      return new DateDay();
    case 'TIME_MILLIS':
      return new TimeMillisecond();
    default:
      return `INT32 annotated ${annotation}`;
  }
}

function int64Type(element: SchemaElement, annotation: string | undefined): DataType | string {
  const logical = element.logical_type;
  if (logical?.type === 'INTEGER') {
    if (logical.bitWidth !== 64) return `INT64 annotated INTEGER(${logical.bitWidth})`;
    return logical.isSigned ? new Int64() : new Uint64();
  }
  if (logical?.type === 'TIMESTAMP') {
    const tz = logical.isAdjustedToUTC ? 'UTC' : null;
    if (logical.unit === 'MILLIS') return new TimestampMillisecond(tz);
    if (logical.unit === 'MICROS') return new TimestampMicrosecond(tz);
    return new TimestampNanosecond(tz);
  }
  if (logical?.type === 'TIME') {
    if (logical.unit === 'MICROS') return new TimeMicrosecond();
    if (logical.unit === 'NANOS') return new TimeNanosecond();
    return `INT64 annotated TIME(${logical.unit})`;
  }
  switch (annotation) {
    case undefined:
    case 'NULL':
    case 'INT_64':
      return new Int64();
    case 'UINT_64':
      return new Uint64();
    // The legacy converted types imply values adjusted to UTC.
    case 'TIMESTAMP_MILLIS':
      return new TimestampMillisecond('UTC');
    case 'TIMESTAMP_MICROS':
      return new TimestampMicrosecond('UTC');
    case 'TIME_MICROS':
      return new TimeMicrosecond();
    default:
      return `INT64 annotated ${annotation}`;
  }
}

function decimalType(element: SchemaElement): DataType | string {
  const { precision, scale } = decimalParams(element);
  const physical = element.type;
  if (physical !== 'INT32' && physical !== 'INT64' && physical !== 'BYTE_ARRAY' && physical !== 'FIXED_LEN_BYTE_ARRAY') {
    return `DECIMAL stored as ${String(physical)}`;
  }
  if (!Number.isInteger(precision) || precision < 1 || precision > 76) return `DECIMAL with precision ${precision}`;
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) return `DECIMAL(${precision},${scale})`;
  if (physical === 'FIXED_LEN_BYTE_ARRAY' && !(Number(element.type_length) >= 1 && Number(element.type_length) <= 32)) {
    return `DECIMAL in FIXED_LEN_BYTE_ARRAY(${element.type_length})`;
  }
  return new Decimal(scale, precision, precision <= 38 ? 128 : 256);
}
