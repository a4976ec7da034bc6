/**
 * apache-arrow as a reader of the matrix (Arrow IPC files and streams): its
 * fields in full, values by their exact images.
 */
import { readFileSync } from 'node:fs';
import { type Table, tableFromIPC, type Vector } from 'apache-arrow';
import { columnImage, fieldImage, type Image, sameColumn } from './arrow-image.js';
import { type Frame, type Reader, type Row, toRow } from './frame.js';

/** A number type in an apache-arrow type name, which a normalized feature replaces. */
const LEAF = /\b(?:(?:Int|Uint)(?:8|16|32|64)|Float(?:16|32|64)|Decimal\[[^\]]*\])/;

/** The first index where two arrays of images differ, with how many do; null when equal. */
function firstDifference(input: Image[], output: Image[]): string | null {
  if (input.length !== output.length) return `${output.length} rows, input ${input.length}`;
  let count = 0;
  let first = -1;
  for (let i = 0; i < input.length; i++) if (input[i] !== output[i] && count++ === 0) first = i;
  return count === 0 ? null : `${count} rows differ, first row ${first}: ${String(output[first]).slice(0, 200)}, input ${String(input[first]).slice(0, 200)}`;
}

class ArrowFrame implements Frame {
  private readonly images = new Map<string, Image[]>();
  constructor(readonly table: Table) {}
  get names() {
    return this.table.schema.fields.map((f) => f.name);
  }
  get rows() {
    return this.table.numRows;
  }
  private field(name: string) {
    return this.table.schema.fields.find((f) => f.name === name)!;
  }
  type(name: string): string {
    return fieldImage(this.field(name));
  }
  shortType(name: string): string {
    return String(this.field(name).type);
  }
  async numbers(name: string): Promise<Row[]> {
    const vector = this.table.getChild(name)!;
    return Array.from({ length: vector.length }, (_, i) => toRow(vector.get(i)));
  }
  image(name: string): Image[] {
    let image = this.images.get(name);
    if (!image) this.images.set(name, (image = columnImage(this.table.getChild(name) as Vector)));
    return image;
  }
  async differences(output: Frame, names: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (const name of names) {
      if (sameColumn(this.table.getChild(name)!, (output as ArrowFrame).table.getChild(name)!)) continue;
      const difference = firstDifference(this.image(name), (output as ArrowFrame).image(name));
      if (difference) out.set(name, difference);
    }
    return out;
  }
}

export const arrowReader: Reader = {
  name: 'apache-arrow',
  reads: (format) => format !== 'parquet',
  async open(path) {
    return new ArrowFrame(tableFromIPC(readFileSync(path)));
  },
  featureType: (input) => input.replace(LEAF, /\bFloat64\b/.test(input) ? 'Float64' : 'Float32'),
};

