/** Types of compressor-inputs.mjs, for the tests that use its inputs. */
export const MIB: number;
export interface RealColumn {
  name: string;
  /** Whether the CSV writes every value as an integer. */
  integer: boolean;
  values: Float64Array;
}
export function realColumns(table: string): RealColumn[];
export function concatBytes(arrays: ArrayBufferView[]): Uint8Array;
export function standardized(values: Float64Array): Float64Array;
export function normals(n: number, seed: number): Float64Array;
export function ids(n: number, seed: number): BigInt64Array;
export function strings(bytes: number, seed: number): Uint8Array;
export function levels(n: number, rate: number, run: number, seed: number): Uint8Array;
export function compressorInputs(): { name: string; bytes: Uint8Array }[];
export function randomIds(n: number, seed: number): BigInt64Array;
export function plainStrings(texts: string[]): Uint8Array;
export function realCells(table: string): string[];
export function dictionaryIndices(n: number, size: number, run: number, seed: number): Uint8Array;
export function snappyInputs(): { name: string; bytes: Uint8Array }[];
export interface ParquetPage {
  /** The column's path, dot-separated. */
  path: string;
  type: string;
  codec: string;
  /** The bytes the codec compressed (of a DATA_PAGE_V2, those after its levels). */
  data: Uint8Array;
  /** Their size uncompressed. */
  size: number;
}
export function parquetPages(file: Uint8Array): ParquetPage[];
