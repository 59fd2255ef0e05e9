// The reviewed ignore file of both vulnerability gates (security/vulnerability-ignore.yaml): every
// entry needs an advisory id, a reason and an expiry date no more than a year ahead. An expired or
// incomplete entry fails the gate — an acceptance is a decision with a date, not a permanent mute.
// Prints the accepted findings in the form a gate consumes:
//   osv     an OSV-Scanner config (IgnoredVulns with ignoreUntil and reason)
//   grype   a Grype config (ignore: vulnerability)
//   debian  the Debian binary packages whose pending security update is accepted, one per line
// Usage: node scripts/release/vuln-ignores.ts IGNORE_FILE osv|grype|debian
import { readFileSync } from 'node:fs';

import { parse } from 'yaml';

interface Entry {
  id: string;
  package?: string;
  reason: string;
  expires: string;
}

const MAX_DAYS_AHEAD = 365;
const ID = /^(GHSA(-[23456789cfghjmpqrvwx]{4}){3}|CVE-\d{4}-\d{4,}|DSA-\d+-\d+|DLA-\d+-\d+|OSV-\d{4}-\d+|PYSEC-\d{4}-\d+)$/;

function fail(message: string): never {
  console.error(`vuln-ignores: ${message}`);
  process.exit(1);
}

const [file, format] = process.argv.slice(2);
if (!file || !['osv', 'grype', 'debian'].includes(format ?? '')) fail('usage: vuln-ignores.ts IGNORE_FILE osv|grype|debian');
let document: unknown;
try {
  document = parse(readFileSync(file, 'utf8'));
} catch (error) {
  fail(`${file}: ${(error as Error).message}`);
}
const list = (document as { ignores?: unknown } | null)?.ignores;
if (!Array.isArray(list)) fail(`${file}: expected a top-level 'ignores:' list`);

const today = new Date(new Date().toISOString().slice(0, 10));
const problems: string[] = [];
const entries: Entry[] = list.map((raw: unknown, index: number) => {
  const entry = (raw ?? {}) as Record<string, unknown>;
  const where = `entry ${index + 1}${typeof entry.id === 'string' ? ` (${entry.id})` : ''}`;
  const id = typeof entry.id === 'string' ? entry.id : '';
  const reason = typeof entry.reason === 'string' ? entry.reason.trim() : '';
  // YAML reads an unquoted date as a Date: accept both forms.
  const expiresRaw = entry.expires instanceof Date ? entry.expires.toISOString().slice(0, 10) : String(entry.expires ?? '');
  if (!ID.test(id)) problems.push(`${where}: 'id' must be an advisory id (GHSA-…, CVE-…, DSA-…, DLA-…), got '${id}'`);
  if (reason.length < 10) problems.push(`${where}: 'reason' must say why the finding is accepted`);
  if (entry.package !== undefined && (typeof entry.package !== 'string' || !/^[a-z0-9][a-z0-9+.-]+$/.test(entry.package))) {
    problems.push(`${where}: 'package' must be a Debian binary package name`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expiresRaw) || Number.isNaN(Date.parse(expiresRaw))) {
    problems.push(`${where}: 'expires' must be a date YYYY-MM-DD, got '${expiresRaw}'`);
  } else {
    const expires = new Date(expiresRaw);
    const days = (expires.getTime() - today.getTime()) / 86_400_000;
    if (days < 0) problems.push(`${where}: expired on ${expiresRaw} — review the finding, then renew or remove the entry`);
    else if (days > MAX_DAYS_AHEAD) problems.push(`${where}: expires ${expiresRaw}, more than ${MAX_DAYS_AHEAD} days ahead`);
  }
  return { id, package: entry.package as string | undefined, reason, expires: expiresRaw };
});
if (problems.length > 0) fail(`${file} is not acceptable:\n  ${problems.join('\n  ')}`);
console.error(`vuln-ignores: ${entries.length} accepted finding(s) in ${file}`);

const quote = (text: string) => JSON.stringify(text); // TOML basic strings and YAML accept JSON strings
if (format === 'osv') {
  for (const e of entries.filter((e) => !e.package)) {
    console.log(`[[IgnoredVulns]]\nid = ${quote(e.id)}\nignoreUntil = ${e.expires}T00:00:00Z\nreason = ${quote(e.reason)}\n`);
  }
} else if (format === 'grype') {
  console.log('ignore:');
  for (const e of entries) console.log(`  - vulnerability: ${quote(e.id)}${e.package ? `\n    package:\n      name: ${quote(e.package)}` : ''}`);
  if (entries.length === 0) console.log('  []');
} else {
  for (const e of entries) if (e.package) console.log(e.package);
}
