import { mkdirSync, writeFileSync } from 'node:fs';
import { judgeGoals } from './goals.ts';
import type { BenchRow } from './suite.ts';
import { suites } from './suites.ts';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const wanted = args.filter((arg) => !arg.startsWith('--'));
const selected = wanted.length === 0 ? suites : suites.filter((s) => wanted.includes(s.name));

const rows: BenchRow[] = [];
for (const suite of selected) {
  console.log(`\n# ${suite.name}${smoke ? ' (smoke)' : ''}`);
  const result = await suite.run({ smoke });
  rows.push(...result);
  console.table(
    result.map((row) => ({
      name: row.name,
      value: `${format(row.value)} ${row.unit}`,
      ratio: row.ratio === undefined ? '' : `${row.ratio.toFixed(2)}x`,
      note: row.note ?? '',
    })),
  );
}

const goals = judgeGoals(rows);
console.log(
  `\n# goals (issues #12, #18), from this run${smoke ? ' (smoke: the figures mean nothing)' : ''}`,
);
console.table(goals);

if (!smoke) {
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  const file = new URL(
    `../results/${new Date().toISOString().replaceAll(':', '-')}.json`,
    import.meta.url,
  );
  writeFileSync(file, JSON.stringify({ node: process.version, rows, goals }, null, 2));
  console.log(`\nwrote ${file.pathname}`);
}
console.log(`\n${rows.length} figures from ${selected.length} suites`);

function format(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3);
}
