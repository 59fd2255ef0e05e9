// The compliance bundle (npm run compliance:bundle, scripts/compliance): without release inputs it
// still writes the archive and lists each missing input as missing, with the reason (--strict turns
// that into a failure); with inputs it collects them byte for byte; audit files are verified and a
// tampered one fails the bundle; the manifest's SHA-256 of every file matches the archive, and
// `sha256sum -c` accepts its SHA256SUMS. Bad usage is refused with exit 2.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoPath, ROOT, run, type RunResult } from './support/tools.js';
import { mixedWorkload, startOpsServer } from './support/workload.js';

const scratch = mkdtempSync(join(tmpdir(), 'issue-16-operations-compliance-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Manifest {
  bundle: string;
  date: string;
  tools: Record<string, string>;
  source: { commit: string | null };
  summary: { ok: number; failed: number; missing: number };
  steps: { id: string; status: string; reason?: string; files: string[] }[];
  missing: { id: string; reason: string }[];
  files: { path: string; sha256: string; bytes: number }[];
}

const bundle = (args: string[]): Promise<RunResult> =>
  run(process.execPath, [repoPath('node_modules/tsx/dist/cli.mjs'), 'scripts/compliance/bundle.ts', ...args], { cwd: ROOT });

/** Extracts an archive and returns its directory and manifest. */
function open(archive: string): { dir: string; manifest: Manifest } {
  const into = mkdtempSync(join(scratch, 'x-'));
  execFileSync('tar', ['-xzmf', archive, '-C', into]); // -m: extracted files get the current time
  const [name] = readdirSync(into);
  const dir = join(into, name!);
  return { dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest };
}

const step = (m: Manifest, id: string) => m.steps.find((s) => s.id === id)!;

function expectIntact(dir: string, manifest: Manifest): void {
  for (const f of manifest.files)
    expect(
      createHash('sha256')
        .update(readFileSync(join(dir, f.path)))
        .digest('hex'),
      f.path,
    ).toBe(f.sha256);
  const listed = new Set([...manifest.files.map((f) => f.path), 'manifest.json', 'SHA256SUMS']);
  const present = execFileSync('find', ['.', '-type', 'f'], { cwd: dir, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((p) => p.slice(2));
  expect(present.sort()).toEqual([...listed].sort());
  expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' })).not.toMatch(/FAILED/);
}

let auditFile: string;
let rotatedFiles: string[];

/** Copies an audit file with its rotated files (audit.jsonl.<UTC time>) into `dir`. */
function copyAuditSet(from: string, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const names = readdirSync(join(from, '..')).filter((f) => f === 'audit.jsonl' || f.startsWith('audit.jsonl.'));
  for (const name of names) copyFileSync(join(from, '..', name), join(dir, name));
  return names.filter((n) => n !== 'audit.jsonl').sort();
}

beforeAll(async () => {
  // A server that rotates its audit file every few events: the bundle verifies the set as one chain.
  const ops = await startOpsServer('compliance', { ISPW_MCP_AUDIT_ROTATE_BYTES: '4096' });
  try {
    await mixedWorkload(ops);
    await ops.server.stop();
    rotatedFiles = copyAuditSet(ops.auditFile, join(scratch, 'audit'));
    auditFile = join(scratch, 'audit', 'audit.jsonl');
  } finally {
    await ops.close();
  }
});

describe('compliance bundle', () => {
  it('lists every input it does not have as missing, with the reason, and still writes a complete archive', async () => {
    const empty = join(scratch, 'empty-release');
    mkdirSync(empty);
    const result = await bundle(['--out', join(scratch, 'out-missing'), '--date', '2026-11-30', '--release-dir', empty]);
    expect(result.code, result.stderr).toBe(0);
    const archive = result.stdout.trim();
    expect(archive).toBe(join(scratch, 'out-missing', 'ispw-mcp-compliance-2026-11-30.tar.gz'));
    const { dir, manifest } = open(archive);
    expect(manifest.bundle).toBe('ispw-mcp-compliance-2026-11-30');
    expect(manifest.source.commit).toMatch(/^[0-9a-f]{40}$/);
    for (const id of ['sbom', 'provenance', 'signature-verification', 'vulnerability-reports', 'chart-policy-results', 'audit-verify']) {
      expect(step(manifest, id).status, id).toBe('missing');
      expect(manifest.missing.find((m) => m.id === id)?.reason, id).toBeTruthy();
    }
    expect(manifest.missing.find((m) => m.id === 'sbom')!.reason).toMatch(/sbom\.app\.cdx\.json, sbom\.image\.cdx\.json/);
    // What the repository can check itself is there, and passed.
    for (const id of ['config-check', 'policy', 'slo-alert-tests']) expect(step(manifest, id).status, id).toBe('ok');
    // The chart is rendered where the chart and helm are (the chart tests install helm), else missing.
    if (existsSync(repoPath('charts/ispw-mcp/Chart.yaml')) && existsSync(repoPath('.tools/bin/helm'))) {
      expect(step(manifest, 'chart').status).toBe('ok');
      const rendered = readFileSync(join(dir, 'chart/helm-template.txt'), 'utf8');
      for (const kind of ['Deployment', 'PrometheusRule', 'ConfigMap']) expect(rendered).toMatch(new RegExp(`^kind: ${kind}$`, 'm'));
      expect(rendered).toContain('IspwMcpToolCallErrorBudgetBurn');
    } else {
      expect(step(manifest, 'chart').status).toBe('missing');
    }
    expect(readFileSync(join(dir, 'configuration/config-check-prod.txt'), 'utf8')).toMatch(/profile prod[\s\S]*Result: OK/);
    expect(readFileSync(join(dir, 'policy/explain-deploy-to-production-in-freeze-denied.txt'), 'utf8')).toMatch(/decision:\s+deny \(freeze:year-end\)/);
    expect(readFileSync(join(dir, 'monitoring/promtool-test-rules.txt'), 'utf8')).toMatch(/SUCCESS/);
    for (const t of ['node', 'promtool', 'amtool']) expect(manifest.tools[t], t).toBeTruthy();
    expect(manifest.summary.missing).toBe(manifest.missing.length);
    expect(result.stderr).toMatch(/missing sbom: /);
    expectIntact(dir, manifest);
  });

  it('--strict fails a bundle with missing inputs (the archive is written all the same)', async () => {
    const empty = join(scratch, 'empty-release-strict');
    mkdirSync(empty);
    const result = await bundle(['--out', join(scratch, 'out-strict'), '--date', '2026-11-30', '--release-dir', empty, '--strict']);
    expect(result.code).toBe(1);
    expect(readdirSync(join(scratch, 'out-strict'))).toEqual(['ispw-mcp-compliance-2026-11-30.tar.gz']);
  });

  it('collects the release inputs byte for byte and verifies the audit files', async () => {
    const release = join(scratch, 'release');
    mkdirSync(release);
    // A real application SBOM (npm's own CycloneDX output); the rest are fixtures the bundle only carries.
    writeFileSync(
      join(release, 'sbom.app.cdx.json'),
      execFileSync('npm', ['sbom', '--sbom-format', 'cyclonedx', '--omit', 'dev'], { cwd: ROOT, encoding: 'utf8' }),
    );
    writeFileSync(join(release, 'sbom.image.cdx.json'), '{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"fixture"}]}\n');
    writeFileSync(join(release, 'provenance.slsa.json'), '{"fixture":"provenance"}\n');
    writeFileSync(join(release, 'verification.txt'), 'fixture: signature, cyclonedx SBOM, SLSA v1 provenance verified\n');
    writeFileSync(join(release, 'vuln-deps.txt'), 'fixture: 0 vulnerabilities\n');
    writeFileSync(join(release, 'vuln-image.txt'), 'fixture: 0 vulnerabilities\n');
    writeFileSync(join(release, 'chart-policy-results.txt'), 'fixture: pass 12 fail 0\n');
    const result = await bundle(['--out', join(scratch, 'out-full'), '--date', '2026-12-01', '--release-dir', release, '--audit', auditFile]);
    expect(result.code, result.stderr).toBe(0);
    const { dir, manifest } = open(result.stdout.trim());
    for (const id of ['sbom', 'provenance', 'signature-verification', 'vulnerability-reports', 'chart-policy-results', 'audit-verify'])
      expect(step(manifest, id).status, id).toBe('ok');
    for (const f of readdirSync(release)) expect(readFileSync(join(dir, 'release', f)).equals(readFileSync(join(release, f))), f).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, 'release/sbom.app.cdx.json'), 'utf8')).bomFormat).toBe('CycloneDX');
    expect(rotatedFiles.length).toBeGreaterThan(0);
    const verified = readFileSync(join(dir, step(manifest, 'audit-verify').files[0]!), 'utf8');
    expect(verified).toMatch(/audit verify --rotated /);
    expect(verified).toMatch(/^\[exit 0\]$/m);
    for (const rotated of rotatedFiles) expect(verified).toContain(rotated);
    expectIntact(dir, manifest);
  });

  it('fails when an audit file does not verify, and says which', async () => {
    // The same set with one event of a rotated file changed.
    const rotated = copyAuditSet(auditFile, join(scratch, 'tampered'));
    const victim = join(scratch, 'tampered', rotated[0]!);
    const lines = readFileSync(victim, 'utf8').split('\n').filter(Boolean);
    lines[0] = lines[0]!.replace(/"type":"[a-z._]+"/, '"type":"write.outcome"').replace(/"seq":(\d+)/, '"seq":$1 ');
    writeFileSync(victim, `${lines.join('\n')}\n`);
    const tampered = join(scratch, 'tampered', 'audit.jsonl');
    const result = await bundle([
      '--out',
      join(scratch, 'out-tampered'),
      '--date',
      '2026-12-02',
      '--release-dir',
      join(scratch, 'release'),
      '--audit',
      auditFile,
      '--audit',
      tampered,
    ]);
    expect(result.code).toBe(1);
    const { dir, manifest } = open(result.stdout.trim());
    const audit = step(manifest, 'audit-verify');
    expect(audit.status).toBe('failed');
    expect(audit.reason).toMatch(/1 of 2 audit files did not verify: audit\/verify-2-audit\.jsonl\.txt/);
    expect(readFileSync(join(dir, 'audit/verify-2-audit.jsonl.txt'), 'utf8')).toMatch(/TAMPERED OR INVALID/);
    expectIntact(dir, manifest);
  });

  it('refuses bad usage with exit 2', async () => {
    expect((await bundle(['--date', '31.12.2026'])).code).toBe(2);
    expect((await bundle(['--audit', join(scratch, 'no-such-file')])).code).toBe(2);
    expect((await bundle(['--release-dir', join(scratch, 'no-such-dir')])).code).toBe(2);
    const unknown = await bundle(['--frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Unknown option '--frobnicate'/);
  });
});
