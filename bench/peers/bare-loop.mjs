/** The floor for Arrow input: read an Arrow IPC file, decode it, one pass of sum and sum of squares per float column. */
import { readFileSync } from 'node:fs';
import { tableFromIPC } from 'apache-arrow';

const table = tableFromIPC(readFileSync(process.argv[2]));
const sums = [];
for (const field of table.schema.fields) {
  if (!String(field.type).startsWith('Float')) continue;
  let sum = 0;
  let squares = 0;
  for (const data of table.getChild(field.name).data) {
    const values = data.values;
    for (let i = 0; i < data.length; i++) {
      const x = values[i];
      sum += x;
      squares += x * x;
    }
  }
  sums.push(sum, squares);
}
if (sums.some((s) => !Number.isFinite(s))) throw new Error('non-finite sum');
