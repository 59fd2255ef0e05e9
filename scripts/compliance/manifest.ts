// The compliance bundle's manifest (manifest.json: steps, files with SHA-256, tool versions, the
// source revision) and checksum list (SHA256SUMS, for `sha256sum -c`), and the archive itself.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import type { StepResult } from './evidence.js';

export interface Manifest {
  bundle: string;
  date: string;
  createdAt: string;
  product: { name: string; version: string };
  source: { commit: string | null; dirty: boolean | null };
  tools: Record<string, string>;
  summary: { ok: number; failed: number; missing: number };
  steps: StepResult[];
  missing: { id: string; title: string; reason: string }[];
  files: { path: string; sha256: string; bytes: number }[];
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function quiet(command: string, args: string[], cwd: string): string | null {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return null;
  }
}

/** Versions of the runtime and of every pinned tool in .tools/bin (their install stamps). */
function toolVersions(root: string): Record<string, string> {
  const tools: Record<string, string> = { node: process.version };
  const npm = quiet('npm', ['--version'], root);
  if (npm) tools.npm = npm;
  const bin = join(root, '.tools', 'bin');
  if (existsSync(bin)) {
    for (const stamp of readdirSync(bin)
      .filter((f) => f.startsWith('.') && f.endsWith('.spec'))
      .sort()) {
      tools[stamp.slice(1, -'.spec'.length)] = readFileSync(join(bin, stamp), 'utf8').trim();
    }
  }
  return tools;
}

export function buildManifest(root: string, dir: string, date: string, steps: StepResult[]): Manifest {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  const commit = quiet('git', ['rev-parse', 'HEAD'], root);
  const status = commit === null ? null : quiet('git', ['status', '--porcelain'], root);
  const files = filesUnder(dir)
    .map((path) => ({ path: relative(dir, path), sha256: sha256(path), bytes: statSync(path).size }))
    .sort((a, b) => a.path.localeCompare(b.path));
  const count = (s: StepResult['status']) => steps.filter((step) => step.status === s).length;
  const manifest: Manifest = {
    bundle: `ispw-mcp-compliance-${date}`,
    date,
    createdAt: new Date().toISOString(),
    product: { name: pkg.name, version: pkg.version },
    source: { commit, dirty: status === null ? null : status.length > 0 },
    tools: toolVersions(root),
    summary: { ok: count('ok'), failed: count('failed'), missing: count('missing') },
    steps,
    missing: steps.filter((s) => s.status === 'missing').map((s) => ({ id: s.id, title: s.title, reason: s.reason ?? '' })),
    files,
  };
  writeFileSync(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  // Every file, the manifest included, in the format `sha256sum -c SHA256SUMS` reads.
  const sums = [...files, { path: 'manifest.json', sha256: sha256(join(dir, 'manifest.json')) }]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((f) => `${f.sha256}  ${f.path}`);
  writeFileSync(join(dir, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  return manifest;
}

/** A gzipped tar of `work/name`, with fixed owners, order and times (the bundle date). */
export function writeArchive(work: string, name: string, archive: string, date: string): void {
  execFileSync('tar', [
    '--sort=name',
    '--owner=0',
    '--group=0',
    '--numeric-owner',
    `--mtime=${date}T00:00:00Z`,
    '-I',
    'gzip -n',
    '-cf',
    archive,
    '-C',
    work,
    name,
  ]);
}
