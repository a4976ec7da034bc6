/**
 * The footer of an Arrow IPC file (File.fbs: `Footer { version, schema,
 * dictionaries: [Block], recordBatches: [Block] }`), written as a flatbuffer
 * laid out by hand: the root offset, one vtable and table, the two vectors of
 * Block structs, then a copy of the schema message's flatbuffer, whose Schema
 * table the footer's `schema` field points at. Flatbuffer offsets are
 * relative to where they are stored, so the copy stays valid wherever it is
 * put, provided it starts 8-byte aligned (its scalars are aligned relative to
 * its start) and after the table that points into it (offsets to tables
 * point forward). The Message table around the schema is left unreferenced.
 */

/** Where a dictionary or record batch message lies in the file. */
export interface FooterBlock {
  /** Position of the message's continuation marker in the file. */
  readonly offset: number;
  /** The message's prefix and padded metadata, in bytes. */
  readonly metadataLength: number;
  readonly bodyLength: number;
}

const TABLE = 16;
/** The vtable: its size, the table's size, then the offsets of version, schema, dictionaries and recordBatches. */
const VTABLE = [12, 20, 16, 4, 8, 12];
const BLOCK = 24;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * The footer's bytes. `schemaMessage` is the flatbuffer of a schema message
 * (as framed in the file, padding included) and `schemaAt` the position of
 * its Schema table in it.
 */
export function fileFooter(version: number, schemaMessage: Uint8Array, schemaAt: number, dictionaries: readonly FooterBlock[], batches: readonly FooterBlock[]): Uint8Array {
  // Each vector's count sits 4 bytes before an 8-byte boundary, so that its Blocks (with int64 fields) are aligned.
  const dictionariesAt = TABLE + 20;
  const batchesAt = dictionariesAt + 4 + BLOCK * dictionaries.length + 4;
  const copyAt = batchesAt + 4 + BLOCK * batches.length;
  const out = new Uint8Array(align8(copyAt + schemaMessage.length));
  const view = new DataView(out.buffer);
  view.setUint32(0, TABLE, true);
  VTABLE.forEach((value, i) => view.setUint16(4 + 2 * i, value, true));
  view.setInt32(TABLE, TABLE - 4, true);
  view.setUint32(TABLE + 4, copyAt + schemaAt - (TABLE + 4), true);
  view.setUint32(TABLE + 8, dictionariesAt - (TABLE + 8), true);
  view.setUint32(TABLE + 12, batchesAt - (TABLE + 12), true);
  view.setInt16(TABLE + 16, version, true);
  const vector = (at: number, blocks: readonly FooterBlock[]): void => {
    view.setUint32(at, blocks.length, true);
    blocks.forEach((block, i) => {
      const start = at + 4 + BLOCK * i;
      view.setBigInt64(start, BigInt(block.offset), true);
      view.setInt32(start + 8, block.metadataLength, true);
      view.setBigInt64(start + 16, BigInt(block.bodyLength), true);
    });
  };
  vector(dictionariesAt, dictionaries);
  vector(batchesAt, batches);
  out.set(schemaMessage, copyAt);
  return out;
}
