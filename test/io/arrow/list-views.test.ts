/**
 * ListView and LargeListView inputs read as lists (the file's own values
 * are checked in read.test.ts): lists in order keep their child, views
 * outside the child are refused, and children that cannot be gathered are
 * refused by name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Utf8 } from 'apache-arrow';
import { describe, expect, test } from 'vitest';
import { DataError } from '../../../src/core/errors.js';
import type { ColumnLayout } from '../../../src/io/arrow/batch-check.js';
import { listViewsAsLists } from '../../../src/io/arrow/list-views.js';
import { MessageType, type MessageMeta } from '../../../src/io/arrow/message.js';
import { openArrowStream } from '../../../src/io/arrow/read.js';
import type { FieldInfo } from '../../../src/io/arrow/schema-info.js';
import { TypeId } from '../../../src/io/arrow/types.js';
import { compareToGolden, readGolden } from './golden.js';
import { bufferAt, patched } from './ipc-bytes.js';
import { INTEGRATION, once, readAll } from './testdata.js';

const base = join(INTEGRATION, 'cpp-21.0.0', 'generated_list_view');
const stream = readFileSync(`${base}.stream`);

/**
 * The stream with the views of the 7-row batch replaced: lv's int32 offsets
 * and sizes are buffers 1 and 2, llv's int64 ones buffers 6 and 7.
 */
function withViews(lv: { offsets: number[]; sizes: number[] }, llv?: { offsets: number[] }): Uint8Array {
  return patched(stream, (view, list) => {
    const batch = list.filter((m) => m.meta.type === MessageType.RecordBatch)[1]!;
    const at = (i: number) => batch.bodyAt + Number(view.getBigInt64(bufferAt(batch, i), true));
    lv.offsets.forEach((o, k) => view.setInt32(at(1) + 4 * k, o, true));
    lv.sizes.forEach((s, k) => view.setInt32(at(2) + 4 * k, s, true));
    llv?.offsets.forEach((o, k) => view.setBigInt64(at(6) + 8 * k, BigInt(o), true));
  });
}

describe('list views', () => {
  test('lists that lie in order, one after the other, keep the child as it is', async () => {
    const golden = readGolden(`${base}.json.gz`);
    const [lv, llv] = golden.batches[1].columns;
    // Offsets that follow the sizes (lv: 0 3 2 3 4 1 3; llv: 3 0 1 1 1 2 1).
    const starts = (sizes: unknown[]) => sizes.map((_, i) => sizes.slice(0, i).reduce((sum: number, s) => sum + Number(s), 0));
    lv.OFFSET = starts(lv.SIZE);
    llv.OFFSET = starts(llv.SIZE).map(String);
    const batches = await readAll(await openArrowStream(once(withViews({ offsets: lv.OFFSET, sizes: lv.SIZE }, { offsets: llv.OFFSET })), 'x'));
    expect(compareToGolden(batches, golden)).toEqual([]);
    const columns = batches[1]!.data.children;
    expect(columns.map((c) => [String(c.type), Array.from(c.valueOffsets, Number), c.children[0]!.length])).toEqual([
      ['List<Float32>', [0, 0, 3, 5, 8, 12, 13, 16], 28],
      ['LargeList<Float32>', [0, 3, 3, 4, 5, 6, 8, 9], 28],
    ]);
  });

  test('a valid row whose view lies outside the child is refused; a null row is not looked at', async () => {
    const refusal = openArrowStream(once(withViews({ offsets: [0, 0, 20], sizes: [1000, 0, 9] })), 'x').then(readAll);
    await expect(refusal).rejects.toThrow(DataError);
    await expect(refusal).rejects.toThrow('x: column "lv": list view 2 lies outside its values');
  });

  test('lists out of order are refused, naming the column, when the child is not of fixed-width values', () => {
    const info = (path: string, typeId: number, children: FieldInfo[]): FieldInfo =>
      ({ path, typeId, width: 0, children, listSize: 0, unionMode: 0, typeIds: [], dictionary: null, type: new Utf8() });
    const item = info('l.item', TypeId.Utf8, []);
    const body = Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]); // offsets 1, 0; sizes 1, 1
    const region = (offset: number, length: number) => ({ offset, length });
    const buffers = [region(0, 0), region(0, 8), region(8, 8), region(0, 0), region(0, 0), region(0, 0)];
    const meta = { batch: { nodes: [{ length: 2, nullCount: 0 }, { length: 2, nullCount: 0 }] } } as unknown as MessageMeta;
    const layout: ColumnLayout[] = [{
      field: info('l', TypeId.ListView, [item]), length: 2, node: 0, firstBuffer: 0, ownBuffers: 3,
      children: [{ field: item, length: 2, node: 1, firstBuffer: 3, ownBuffers: 3, children: [] }],
    }];
    expect(() => listViewsAsLists(meta, { body, buffers }, layout)).toThrow(
      'column "l": its list views are out of order or overlap, which bn1d rebuilds only for lists of numbers and other fixed-width values, not Utf8',
    );
  });
});
