// The evidence of the quarterly compliance bundle, step by step. Each step either produces files
// (status `ok`, or `failed` when the check it ran failed — the output is kept either way) or is
// `missing`, with the reason and what would produce the input; nothing is skipped silently.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export type StepStatus = 'ok' | 'failed' | 'missing';

export interface StepResult {
  id: string;
  title: string;
  status: StepStatus;
  /** Why it failed or is missing, and what to do. */
  reason?: string;
  /** Files of the bundle this step wrote, relative to the bundle root. */
  files: string[];
  /** The commands run, as written (no secrets: none are passed on command lines). */
  commands?: string[];
}

export interface BundleInputs {
  root: string;
  /** The bundle directory being filled. */
  dir: string;
  config: string;
  policy: string;
  releaseDir: string | undefined;
  auditFiles: string[];
  /** Accept audit chains whose oldest rotated files were deleted by retention. */
  allowContinuation: boolean;
  /** Values files for the chart rendering (empty: the chart's ci/default-values.yaml). */
  chartValues: string[];
}

interface Run {
  status: number | null;
  output: string;
}

function exec(command: string, args: string[], cwd: string): Run {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? `\n${result.error.message}\n` : ''}`;
  return { status: result.status, output };
}

const tool = (root: string, name: string) => {
  const path = join(root, '.tools', 'bin', name);
  return existsSync(path) ? path : undefined;
};
const shown = (root: string, path: string) => (path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);

/** Writes a command's output into the bundle and turns its exit code into a status. */
function recorded(
  inputs: BundleInputs,
  file: string,
  command: string,
  args: string[],
  okCodes: number[] = [0],
): { status: StepStatus; file: string; line: string; code: number | null } {
  const run = exec(command, args, inputs.root);
  const line = [shown(inputs.root, command), ...args.map((a) => shown(inputs.root, a))].join(' ');
  mkdirSync(join(inputs.dir, file, '..'), { recursive: true });
  writeFileSync(join(inputs.dir, file), `$ ${line}\n${run.output}\n[exit ${run.status}]\n`);
  return { status: run.status !== null && okCodes.includes(run.status) ? 'ok' : 'failed', file, line, code: run.status };
}

const worst = (statuses: StepStatus[]): StepStatus => (statuses.includes('failed') ? 'failed' : statuses.includes('missing') ? 'missing' : 'ok');

function cli(inputs: BundleInputs): string[] {
  const main = join(inputs.root, 'dist', 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  return [process.execPath, main];
}

export function configCheck(inputs: BundleInputs): StepResult {
  const [node, main] = cli(inputs);
  const r = recorded(inputs, 'configuration/config-check-prod.txt', node!, [main!, 'config', 'check', '--profile', 'prod', '--config', inputs.config]);
  copyFileSync(inputs.config, join(inputs.dir, 'configuration', basename(inputs.config)));
  return {
    id: 'config-check',
    title: '`ispw-mcp config check --profile prod` of the example configuration',
    status: r.status,
    ...(r.status === 'failed' ? { reason: `config check exited ${r.code}: the prod profile refuses the configuration` } : {}),
    files: [r.file, `configuration/${basename(inputs.config)}`],
    commands: [r.line],
  };
}

/** The decisions an auditor asks about, for the example policy. */
const POLICY_QUESTIONS: { name: string; tool: string; args: Record<string, unknown>; extra?: string[]; expect: number }[] = [
  {
    name: 'promote-to-production-needs-confirmation',
    tool: 'ispw_promote',
    args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'STG' },
    expect: 3,
  },
  { name: 'production-fallback-denied', tool: 'ispw_fallback', args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'PRD' }, expect: 4 },
  {
    name: 'emergency-without-ticket-denied',
    tool: 'ispw_generate',
    args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', change_type: 'E' },
    expect: 4,
  },
  {
    name: 'emergency-with-ticket-allowed',
    tool: 'ispw_generate',
    args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1', change_type: 'E', ticket: 'CHG1234567' },
    expect: 0,
  },
  {
    name: 'deploy-to-production-in-freeze-denied',
    tool: 'ispw_deploy',
    args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'PRD' },
    extra: ['--at', '2026-12-24T10:00:00+01:00'],
    expect: 4,
  },
  {
    name: 'approval-needs-another-person',
    tool: 'ispw_set_action',
    args: { set_id: 'S000238584', action: 'approve', approver: 'MGR01' },
    expect: 3,
  },
  { name: 'development-generate-allowed', tool: 'ispw_generate', args: { container_type: 'assignment', container_id: 'PLAY000313', level: 'DEV1' }, expect: 0 },
];

export function policyEvidence(inputs: BundleInputs): StepResult {
  const [node, main] = cli(inputs);
  const check = recorded(inputs, 'policy/policy-check.txt', node!, [main!, 'policy', 'check', inputs.policy]);
  copyFileSync(inputs.policy, join(inputs.dir, 'policy', basename(inputs.policy)));
  const files = [check.file, `policy/${basename(inputs.policy)}`];
  const commands = [check.line];
  const unexpected: string[] = [];
  for (const q of POLICY_QUESTIONS) {
    // An explanation answers with its decision's exit code (0 allow, 3 confirm, 4 deny): expected, not a failure.
    const r = recorded(
      inputs,
      `policy/explain-${q.name}.txt`,
      node!,
      [main!, 'policy', 'explain', '--policy', inputs.policy, '--tool', q.tool, '--args', JSON.stringify(q.args), ...(q.extra ?? [])],
      [0, 3, 4],
    );
    files.push(r.file);
    commands.push(r.line);
    if (r.code !== q.expect) unexpected.push(`${q.name}: exit ${r.code}, expected ${q.expect}`);
  }
  const failed = check.status === 'failed' || unexpected.length > 0;
  return {
    id: 'policy',
    title: '`ispw-mcp policy check` and `policy explain` of the example policy',
    status: failed ? 'failed' : 'ok',
    ...(failed ? { reason: [check.status === 'failed' ? 'policy check refused the file' : '', ...unexpected].filter(Boolean).join('; ') } : {}),
    files,
    commands,
  };
}

export function auditVerify(inputs: BundleInputs): StepResult {
  if (inputs.auditFiles.length === 0) {
    return {
      id: 'audit-verify',
      title: '`ispw-mcp audit verify` of the audit files',
      status: 'missing',
      reason: 'no audit files given (--audit FILE, repeatable: each replica’s active audit file)',
      files: [],
    };
  }
  const [node, main] = cli(inputs);
  // Each replica's active file with its rotated files beside it, as one chain.
  const flags = ['--rotated', ...(inputs.allowContinuation ? ['--allow-continuation'] : [])];
  const results = inputs.auditFiles.map((file, i) =>
    recorded(inputs, `audit/verify-${i + 1}-${basename(file)}.txt`, node!, [main!, 'audit', 'verify', ...flags, file]),
  );
  const failed = results.filter((r) => r.status === 'failed');
  return {
    id: 'audit-verify',
    title: '`ispw-mcp audit verify` of the audit files',
    status: failed.length ? 'failed' : 'ok',
    ...(failed.length ? { reason: `${failed.length} of ${results.length} audit files did not verify: ${failed.map((f) => f.file).join(', ')}` } : {}),
    files: results.map((r) => r.file),
    commands: results.map((r) => r.line),
  };
}

export function sloAlertTests(inputs: BundleInputs): StepResult {
  const promtool = tool(inputs.root, 'promtool');
  const amtool = tool(inputs.root, 'amtool');
  if (!promtool || !amtool) {
    return {
      id: 'slo-alert-tests',
      title: 'SLO and alert rule tests (promtool, amtool)',
      status: 'missing',
      reason: 'promtool/amtool not installed: bash scripts/install-tools.sh --ops',
      files: [],
    };
  }
  const rulesDir = join(inputs.root, 'deploy', 'monitoring', 'prometheus');
  const rules = readdirSync(rulesDir)
    .filter((f) => f.endsWith('.rules.yaml'))
    .sort()
    .map((f) => join(rulesDir, f));
  const testsDir = join(inputs.root, 'test', 'ops', 'promtool');
  const tests = readdirSync(testsDir)
    .filter((f) => f.endsWith('.test.yaml'))
    .sort()
    .map((f) => join(testsDir, f));
  const runs = [
    recorded(inputs, 'monitoring/promtool-check-rules.txt', promtool, ['check', 'rules', ...rules]),
    recorded(inputs, 'monitoring/promtool-test-rules.txt', promtool, ['test', 'rules', ...tests]),
    recorded(inputs, 'monitoring/amtool-check-config.txt', amtool, [
      'check-config',
      join(inputs.root, 'deploy', 'monitoring', 'alertmanager', 'alertmanager.yaml'),
    ]),
  ];
  mkdirSync(join(inputs.dir, 'monitoring', 'rules'), { recursive: true });
  for (const r of rules) copyFileSync(r, join(inputs.dir, 'monitoring', 'rules', basename(r)));
  copyFileSync(join(inputs.root, 'deploy', 'monitoring', 'slos.yaml'), join(inputs.dir, 'monitoring', 'slos.yaml'));
  const status = worst(runs.map((r) => r.status));
  return {
    id: 'slo-alert-tests',
    title: 'SLO and alert rule tests (promtool, amtool)',
    status,
    ...(status === 'failed'
      ? {
          reason: `failed: ${runs
            .filter((r) => r.status === 'failed')
            .map((r) => r.file)
            .join(', ')}`,
        }
      : {}),
    files: [...runs.map((r) => r.file), ...rules.map((r) => `monitoring/rules/${basename(r)}`), 'monitoring/slos.yaml'],
    commands: runs.map((r) => r.line),
  };
}

/** Files the release pipeline (scripts/release, RELEASE_OUT) leaves behind, by kind. */
const RELEASE_INPUTS: { id: string; title: string; files: string[]; hint: string }[] = [
  {
    id: 'sbom',
    title: 'SBOMs (CycloneDX) of the application and the image',
    files: ['sbom.app.cdx.json', 'sbom.image.cdx.json'],
    hint: 'scripts/release/sbom.sh writes them',
  },
  { id: 'provenance', title: 'SLSA provenance of the image', files: ['provenance.slsa.json'], hint: 'scripts/release/attest.sh writes it' },
  {
    id: 'signature-verification',
    title: 'Signature and attestation verification of the image',
    files: ['verification.txt'],
    hint: 'save the output of scripts/release/verify.sh there',
  },
  {
    id: 'vulnerability-reports',
    title: 'Vulnerability scan reports (dependencies, image)',
    files: ['vuln-deps.txt', 'vuln-image.txt'],
    hint: 'scripts/release/vuln-deps.sh and vuln-image.sh write them',
  },
  {
    id: 'chart-policy-results',
    title: 'Kyverno policy results of the rendered chart',
    files: ['chart-policy-results.txt'],
    hint: 'save the Kyverno results of the rendered chart there',
  },
];

export function releaseEvidence(inputs: BundleInputs): StepResult[] {
  return RELEASE_INPUTS.map((kind) => {
    if (!inputs.releaseDir)
      return {
        id: kind.id,
        title: kind.title,
        status: 'missing' as const,
        reason: `no release directory (--release-dir, default dist/release): ${kind.hint}`,
        files: [],
      };
    const present = kind.files.filter((f) => existsSync(join(inputs.releaseDir!, f)));
    const absent = kind.files.filter((f) => !present.includes(f));
    mkdirSync(join(inputs.dir, 'release'), { recursive: true });
    for (const f of present) copyFileSync(join(inputs.releaseDir, f), join(inputs.dir, 'release', f));
    return {
      id: kind.id,
      title: kind.title,
      status: absent.length ? ('missing' as const) : ('ok' as const),
      ...(absent.length ? { reason: `not in ${inputs.releaseDir}: ${absent.join(', ')} (${kind.hint})` } : {}),
      files: present.map((f) => `release/${f}`),
    };
  });
}

/** The Kubernetes version the chart is tested against (scripts/install-tools.sh pins it). */
function kubeVersion(root: string): string {
  const pinned = /^KUBERNETES_VERSION=(\S+)$/m.exec(readFileSync(join(root, 'scripts', 'install-tools.sh'), 'utf8'));
  return pinned?.[1] ?? '1.37.2';
}

export function renderedChart(inputs: BundleInputs): StepResult {
  const chart = join(inputs.root, 'charts', 'ispw-mcp');
  const helm = tool(inputs.root, 'helm');
  const title = 'The Helm chart rendered with the given values (default: charts/ispw-mcp/ci/default-values.yaml), monitoring included';
  if (!existsSync(join(chart, 'Chart.yaml'))) return { id: 'chart', title, status: 'missing', reason: 'no chart in charts/ispw-mcp', files: [] };
  if (!helm)
    return { id: 'chart', title, status: 'missing', reason: 'helm not installed (scripts/install-tools.sh --kube or --release installs it)', files: [] };
  const values = inputs.chartValues.length ? inputs.chartValues : [join(chart, 'ci', 'default-values.yaml')];
  const args = ['template', 'ispw-mcp', chart, '--namespace', 'ispw', '--kube-version', kubeVersion(inputs.root), ...values.flatMap((v) => ['--values', v])];
  args.push('--set', 'metrics.prometheusRule.enabled=true', '--set', 'metrics.dashboards.enabled=true');
  const r = recorded(inputs, 'chart/helm-template.txt', helm, args);
  mkdirSync(join(inputs.dir, 'chart', 'values'), { recursive: true });
  values.forEach((v, i) => copyFileSync(v, join(inputs.dir, 'chart', 'values', `${i + 1}-${basename(v)}`)));
  return {
    id: 'chart',
    title,
    status: r.status,
    ...(r.status === 'failed' ? { reason: 'helm template failed (see chart/helm-template.txt)' } : {}),
    files: [r.file, ...values.map((v, i) => `chart/values/${i + 1}-${basename(v)}`)],
    commands: [r.line],
  };
}
