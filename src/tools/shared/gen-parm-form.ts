// The generate-parameter form CES returns (docs/ces-api.md §3.10 GenParmForm), read as BMC's Jenkins
// plugin reads it (errata E6; docs/ces-fidelity.md item 7): each `<field>` of the dialog XML names its
// parameter by a dotted `target` (CATEGORY.NAME); its `value` attribute is a reference such as
// `{COMPILE.PARM}`, and the current value is the `defaultVal` that `datagroupInfo.entry[]` gives for
// that reference (`{key: CATEGORY, value: "{field:NAME,defaultVal:V}"}` or an array of such strings).
import type { GenParmForm } from '../../ces/dto/index.js';
import { clean } from './fields.js';

export interface GenParm {
  category: string;
  name: string;
  label?: string;
  /** The current value; undefined when CES gave none. */
  value?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescapeXml = (s: string) => s.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] ?? _);

/** `{field:NAME,defaultVal:V}` → its pairs (Jenkins splits the same way: on commas, then the first colon). */
function pairs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.trim().replace(/[{}]/g, '').split(/,\s*/)) {
    const colon = part.indexOf(':');
    if (colon > 0) out[part.slice(0, colon).trim()] = part.slice(colon + 1).trim();
  }
  return out;
}

/** `{CATEGORY.NAME}` → current value, from `datagroupInfo`. */
export function currentValues(form: Pick<GenParmForm, 'datagroupInfo'>): Map<string, string> {
  const values = new Map<string, string>();
  for (const entry of form.datagroupInfo?.entry ?? []) {
    const key = clean(entry.key);
    if (!key) continue;
    const items = Array.isArray(entry.value) ? entry.value : [entry.value];
    for (const item of items) {
      if (typeof item !== 'string') continue;
      const { field, defaultVal } = pairs(item);
      if (field && defaultVal !== undefined) values.set(`{${key}.${field}}`.toUpperCase(), defaultVal);
    }
  }
  return values;
}

/** The form's parameters: only fields with a dotted target can be submitted (Jenkins skips the rest). */
export function parseGenParmForm(form: Pick<GenParmForm, 'xml' | 'datagroupInfo'>): GenParm[] {
  if (!form.xml) return [];
  const values = currentValues(form);
  const parms: GenParm[] = [];
  for (const match of form.xml.matchAll(/<field\b([^>]*?)\/?>/g)) {
    const attrs: Record<string, string> = {};
    for (const a of (match[1] ?? '').matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs[a[1]!.toLowerCase()] = unescapeXml(a[2] ?? a[3] ?? '');
    }
    const target = clean(attrs.target);
    const dot = target?.indexOf('.') ?? -1;
    if (!target || dot <= 0 || dot === target.length - 1) continue;
    const reference = clean(attrs.value);
    // A reference is looked up; a plain value (no braces) is taken as it is.
    const value = reference && /^\{.*\}$/.test(reference) ? values.get(reference.toUpperCase()) : reference;
    const parm: GenParm = { category: target.slice(0, dot), name: target.slice(dot + 1) };
    const label = clean(attrs.label);
    if (label) parm.label = label;
    if (value !== undefined) parm.value = value;
    parms.push(parm);
  }
  return parms;
}

/** CES has been seen to send the set id with literal quotes around it (Jenkins strips them). */
export const unquoteSetId = (setId: string | undefined): string | undefined => clean(setId?.replace(/^"|"$/g, ''));
