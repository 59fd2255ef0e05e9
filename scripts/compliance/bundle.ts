// `npm run compliance:bundle`: the dated evidence archive for the quarterly compliance review
// (docs/policies/README.md). Collects what the release pipeline produced (SBOMs, provenance,
// signature and attestation verification, vulnerability reports, chart policy results), runs the
// checks this repository can run itself (config check of the example configuration, policy check
// and explain of the example policy, audit verify of the given audit files, the SLO and alert rule
// tests, the rendered chart), and writes ispw-mcp-compliance-<date>.tar.gz with a manifest of every
// file's SHA-256, every step's status (a missing input is listed as missing, never skipped) and the
// versions of the tools used. Exit 0 when no step failed (missing inputs allowed unless --strict),
// 1 when a step failed, 2 on bad usage.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { auditVerify, configCheck, policyEvidence, releaseEvidence, renderedChart, sloAlertTests, type BundleInputs, type StepResult } from './evidence.js';
import { buildManifest, writeArchive } from './manifest.js';

const USAGE = `usage: npm run compliance:bundle -- [--out DIR] [--date YYYY-MM-DD] [--release-dir DIR]
       [--audit FILE]... [--allow-continuation] [--config FILE] [--policy FILE] [--chart-values FILE]...
       [--strict]`;

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: 'string', default: 'compliance' },
        date: { type: 'string' },
        'release-dir': { type: 'string' },
        audit: { type: 'string', multiple: true, default: [] },
        'allow-continuation': { type: 'boolean', default: false },
        'chart-values': { type: 'string', multiple: true, default: [] },
        config: { type: 'string', default: 'deploy/examples/ispw-mcp.prod.yaml' },
        policy: { type: 'string', default: 'deploy/examples/policy.yaml' },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`compliance bundle: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const root = resolve(new URL('../..', import.meta.url).pathname);
  const date = values.date ?? new Date().toISOString().slice(0, 10);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date))) {
    process.stderr.write(`compliance bundle: --date must be YYYY-MM-DD, got "${date}"\n`);
    return 2;
  }
  const fromCwd = (p: string) => resolve(process.cwd(), p);
  const releaseDir =
    values['release-dir'] !== undefined
      ? fromCwd(values['release-dir'])
      : existsSync(join(root, 'dist', 'release'))
        ? join(root, 'dist', 'release')
        : undefined;
  const given = [
    ['--config', values.config],
    ['--policy', values.policy],
    ...values.audit.map((a) => ['--audit', a]),
    ...values['chart-values'].map((v) => ['--chart-values', v]),
  ];
  for (const [what, path] of given.map(([w, p]) => [w!, fromCwd(p!)] as const)) {
    if (!existsSync(path)) {
      process.stderr.write(`compliance bundle: ${what} ${path} does not exist\n`);
      return 2;
    }
  }
  if (releaseDir !== undefined && !existsSync(releaseDir)) {
    process.stderr.write(`compliance bundle: --release-dir ${releaseDir} does not exist\n`);
    return 2;
  }

  const name = `ispw-mcp-compliance-${date}`;
  const work = mkdtempSync(join(tmpdir(), 'ispw-mcp-compliance-'));
  const dir = join(work, name);
  mkdirSync(dir);
  try {
    const inputs: BundleInputs = {
      root,
      dir,
      config: fromCwd(values.config),
      policy: fromCwd(values.policy),
      releaseDir,
      auditFiles: values.audit.map(fromCwd),
      allowContinuation: values['allow-continuation'],
      chartValues: values['chart-values'].map(fromCwd),
    };
    const steps: StepResult[] = [
      configCheck(inputs),
      policyEvidence(inputs),
      auditVerify(inputs),
      sloAlertTests(inputs),
      renderedChart(inputs),
      ...releaseEvidence(inputs),
    ];
    const manifest = buildManifest(root, dir, date, steps);
    const outDir = fromCwd(values.out);
    mkdirSync(outDir, { recursive: true });
    const archive = join(outDir, `${name}.tar.gz`);
    writeArchive(work, name, archive, date);
    for (const step of steps) process.stderr.write(`  ${step.status.padEnd(7)} ${step.id}${step.reason ? `: ${step.reason}` : ''}\n`);
    const failed = steps.filter((s) => s.status === 'failed').length;
    const missing = steps.filter((s) => s.status === 'missing').length;
    process.stderr.write(
      `compliance bundle: ${archive} (${manifest.files.length} files; ${steps.length - failed - missing} ok, ${failed} failed, ${missing} missing)\n`,
    );
    process.stdout.write(`${archive}\n`);
    return failed > 0 || (values.strict && missing > 0) ? 1 : 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
