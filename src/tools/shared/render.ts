// Text renderings shared by the tools: short lines and compact tables a model reads at a glance.
// The structured content carries the full data; the text never dumps JSON.

/** A compact pipe table; empty cells stay empty, columns without any value are dropped. */
export function table<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const used = columns.filter((c) => rows.some((r) => r[c] !== undefined && r[c] !== ''));
  if (used.length === 0) return '';
  const cell = (v: unknown) => (v === undefined ? '' : String(v).replace(/[|\n]/g, ' '));
  return [used.join(' | '), ...rows.map((r) => used.map((c) => cell(r[c])).join(' | '))].join('\n');
}

/** "3 assignments" / "1 assignment", plus a truncation note. */
export function countLine(noun: string, shown: number, count: number, truncated: boolean): string {
  const plural = count === 1 ? noun : `${noun}s`;
  return truncated ? `${count} ${plural}, first ${shown} shown (raise limit or narrow the filters).` : `${count} ${plural}.`;
}

/** `key: value` lines for the fields that are present. */
export function fieldLines(values: Record<string, unknown>, labels: Record<string, string>): string {
  // A plain loop: this runs on every get_* call, and the entries/filter/map chain allocated three arrays.
  let text = '';
  for (const key in labels) {
    const value = values[key];
    if (value === undefined || value === '') continue;
    text += `${text === '' ? '' : '\n'}${labels[key]}: ${String(value)}`;
  }
  return text;
}

export const joinLines = (...lines: (string | undefined | false)[]) => lines.filter(Boolean).join('\n');
