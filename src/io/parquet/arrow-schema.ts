/**
 * The `ARROW:schema` entry of a Parquet footer's key-value metadata, as
 * Arrow C++ (pyarrow), arrow-rs and Polars write it: the base64 of an Arrow
 * IPC Schema message, framed as in a stream (the 0xFFFFFFFF continuation
 * marker and the metadata length, or the length alone in the pre-1.0
 * framing), through which readers restore the Arrow types that Parquet
 * cannot express. A Parquet file's other entries are its Arrow schema
 * metadata, and the other way round when a Parquet file is written.
 */
import {
  type DataType, type Field, Message, Schema, type Time, TimeMillisecond, TimestampNanosecond, TimeUnit, Type,
} from 'apache-arrow';
import type { KeyValue } from 'hyparquet';
import { encodeSchemaMessage } from '../arrow/field-names.js';
import { withChildren } from '../arrow/nested-types.js';
import { readMessageMeta, MessageType } from '../arrow/message.js';
import { readSchemaInfo } from '../arrow/schema-info.js';
import { type LeafNode, leavesOf, type ReadNode } from './schema.js';
import type { WriteColumn } from './write-plan.js';

/** The key of the entry. */
export const ARROW_SCHEMA_KEY = 'ARROW:schema';

const CONTINUATION = 0xffffffff;

/** The Arrow schema an `ARROW:schema` value holds; throws an Error saying what is wrong with it. */
export function decodeArrowSchema(value: string): Schema {
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < 8) throw new Error(`${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = view.getUint32(0, true) === CONTINUATION ? 8 : 4;
  const length = view.getInt32(start - 4, true);
  if (length <= 0 || start + length > bytes.length) throw new Error(`a message of ${length} bytes in ${bytes.length}`);
  const metadata = bytes.subarray(start, start + length);
  // apache-arrow trusts every offset of a flatbuffer: check the message as the Arrow readers do before it sees it.
  const meta = readMessageMeta(metadata);
  if (meta.type !== MessageType.Schema || !meta.schema) throw new Error('not a schema message');
  readSchemaInfo(meta.schema);
  return Message.decode(metadata).header() as Schema;
}

/** The `ARROW:schema` value of a schema: continuation marker, length, the Schema message padded to 8 bytes. */
export function encodeArrowSchema(schema: Schema): string {
  const message = encodeSchemaMessage(schema);
  const padded = (message.length + 7) & ~7;
  const bytes = new Uint8Array(8 + padded);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, CONTINUATION, true);
  view.setInt32(4, padded, true);
  bytes.set(message, 8);
  return Buffer.from(bytes).toString('base64');
}

/** What a Parquet footer's key-value metadata says about the Arrow schema. */
export interface StoredSchema {
  /** The schema of `ARROW:schema`, when there is one and it could be read. */
  readonly arrow?: Schema | undefined;
  /** Every other entry, in file order, over the metadata of the stored schema. */
  readonly metadata: Map<string, string>;
  /** Why an `ARROW:schema` entry was ignored. */
  readonly problem?: string | undefined;
}

/** The stored Arrow schema and the schema metadata of a footer's key-value metadata. */
export function storedSchema(entries: readonly KeyValue[] | undefined): StoredSchema {
  let arrow: Schema | undefined;
  let problem: string | undefined;
  const own = new Map<string, string>();
  for (const { key, value } of entries ?? []) {
    if (key !== ARROW_SCHEMA_KEY) own.set(key, value ?? '');
    else if (arrow === undefined && problem === undefined) {
      try {
        arrow = decodeArrowSchema(value ?? '');
      } catch (error) {
        problem = error instanceof Error ? error.message : String(error);
      }
    }
  }
  return { arrow, metadata: new Map([...(arrow?.metadata ?? []), ...own]), problem };
}

/**
 * The key-value metadata of a Parquet file holding `schema` as `columns`:
 * its metadata, then `ARROW:schema`. Where the stored type would mislead a
 * reader, it is the type of what the file holds: INT96 columns, which bn1d
 * reads as their raw bytes, are stored as the nanosecond timestamps other
 * readers read them as (Polars refuses to read INT96 as bytes), and times
 * in seconds, which Parquet holds in milliseconds, as milliseconds (Polars
 * takes the stored unit as the unit of the values it reads).
 */
export function keyValueMetadata(schema: Schema, columns: readonly WriteColumn[]): KeyValue[] {
  const entries = [...schema.metadata].filter(([key]) => key !== ARROW_SCHEMA_KEY).map(([key, value]) => ({ key, value }));
  const fields = schema.fields.map((field, i) => field.clone({ type: readersType(columns[i]!.node, field.type) }));
  return [...entries, { key: ARROW_SCHEMA_KEY, value: encodeArrowSchema(new Schema(fields, schema.metadata)) }];
}

/** The type other readers should take a leaf's values as, where it is not `type`. */
function leafReadersType(leaf: LeafNode, type: DataType): DataType | undefined {
  if (leaf.element.type === 'INT96') return new TimestampNanosecond();
  if (type.typeId === Type.Time && (type as Time).unit === TimeUnit.SECOND) return new TimeMillisecond();
  return undefined;
}

/** `type` with the leaves of `node` as leafReadersType says. */
function readersType(node: ReadNode, type: DataType): DataType {
  if (node.kind === 'leaf') return leafReadersType(node, type) ?? type;
  if (!leavesOf(node).some((leaf) => leaf.element.type === 'INT96' || leaf.element.logical_type?.type === 'TIME')) return type;
  const children = type.children as Field[];
  const nodes = node.kind === 'struct' ? node.children : [node.item];
  return withChildren(type, children.map((child, i) => child.clone({ type: readersType(nodes[i]!, child.type) })));
}
