// Compares V8 heap snapshots (written by bench/soak-heap.ts, each after a forced GC) by constructor:
// object count and self size per constructor in every snapshot, sorted by growth from the first to
// the last, so a leak shows up as a constructor whose count keeps rising with the calls served.
//   npx tsx bench/heap-diff.ts bench/tmp/heap/<run>/ [--top 30]
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
const dir = positionals[0];
if (!dir) throw new Error('usage: heap-diff.ts DIR');

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

/** Count and self size per group, the way DevTools' summary view groups objects. */
function summarise(file: string): Map<string, { count: number; size: number }> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as Snapshot;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [number, number, number];
  const width = fields.length;
  const groups = new Map<string, { count: number; size: number }>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType]!]!;
    const name = snap.strings[snap.nodes[i + iName]!]!;
    const key =
      type === 'object' || type === 'native'
        ? name
        : type === 'closure'
          ? `(closure) ${name || '(anonymous)'}`
          : type === 'string' || type === 'concatenated string' || type === 'sliced string'
            ? '(string)'
            : type === 'array'
              ? `(array) ${name}`
              : type === 'code'
                ? '(compiled code)'
                : `(${type})`;
    const g = groups.get(key) ?? { count: 0, size: 0 };
    g.count += 1;
    g.size += snap.nodes[i + iSize]!;
    groups.set(key, g);
  }
  return groups;
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.heapsnapshot'))
  .sort();
if (files.length < 2) throw new Error(`need at least two .heapsnapshot files in ${dir}`);
const sums = files.map((f) => summarise(join(dir, f)));
const total = (m: Map<string, { size: number; count: number }>) =>
  [...m.values()].reduce((a, g) => ({ count: a.count + g.count, size: a.size + g.size }), { count: 0, size: 0 });
const kb = (n: number) => (n / 1024).toFixed(0);
const first = sums[0]!;
const last = sums[sums.length - 1]!;
const keys = new Set(sums.flatMap((m) => [...m.keys()]));
const rows = [...keys].map((k) => ({
  k,
  growth: (last.get(k)?.size ?? 0) - (first.get(k)?.size ?? 0),
  countGrowth: (last.get(k)?.count ?? 0) - (first.get(k)?.count ?? 0),
}));

console.log(`snapshots: ${files.join(', ')}`);
console.log(`totals (objects / self KB): ${sums.map((m) => `${total(m).count} / ${kb(total(m).size)}`).join('  →  ')}\n`);
const show = (title: string, sorted: typeof rows) => {
  console.log(title);
  console.log(`${'constructor'.padEnd(48)} ${files.map((f) => f.replace('.heapsnapshot', '').padStart(18)).join('')}`);
  for (const r of sorted.slice(0, Number(values.top))) {
    console.log(`${r.k.slice(0, 48).padEnd(48)} ${sums.map((m) => `${m.get(r.k)?.count ?? 0}/${kb(m.get(r.k)?.size ?? 0)}K`.padStart(18)).join('')}`);
  }
  console.log('');
};
show(
  'largest self-size growth first → last (count/self size):',
  [...rows].sort((a, b) => b.growth - a.growth),
);
show(
  'largest count growth first → last:',
  [...rows].sort((a, b) => b.countGrowth - a.countGrowth),
);
show(
  'largest in the last snapshot:',
  [...rows].sort((a, b) => (last.get(b.k)?.size ?? 0) - (last.get(a.k)?.size ?? 0)),
);
