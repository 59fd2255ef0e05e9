// The project's policy for GitHub workflows, beyond what actionlint and zizmor check:
//   - top-level `permissions: {}` and an explicit `permissions` block on every job; `id-token: write`
//     only in a job that signs or attests (through scripts/release/ or GitHub's attestation action)
//   - every third-party action pinned by a full commit SHA, with its version in a comment
//   - actions/checkout with `persist-credentials: false`; no `pull_request_target`; a concurrency group
//   - build, push, SBOM, scan, sign and attest happen only through scripts/release/ — the scripts the
//     offline tests run — never through a tool called inline or a third-party build/sign action, so
//     CI and local runs cannot drift. One exception, by name: GitHub's attestation store can only be
//     written by actions/attest-build-provenance (in addition to the scripts' cosign attestations).
// Usage: node scripts/release/check-workflows.ts WORKFLOW.yml… (exit 1 and one line per violation)
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { parse } from 'yaml';

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  permissions?: unknown;
  steps?: Step[];
  uses?: string;
  'timeout-minutes'?: unknown;
}
interface Workflow {
  on?: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  jobs?: Record<string, Job>;
}

/** Third-party actions that build, push, scan, sign or attest: the scripts do that. */
const FORBIDDEN_ACTIONS = [
  'docker/build-push-action',
  'docker/setup-buildx-action',
  'docker/login-action',
  'redhat-actions/buildah-build',
  'redhat-actions/push-to-registry',
  'sigstore/cosign-installer',
  'anchore/sbom-action',
  'anchore/scan-action',
  'aquasecurity/trivy-action',
  'google/osv-scanner-action',
  'actions/attest-sbom',
  'actions/attest',
  'azure/setup-helm',
  'slsa-framework/slsa-github-generator',
];
/** Allowed although it attests: it is the only writer of GitHub's attestation store. */
const ATTEST_ACTIONS = ['actions/attest-build-provenance'];
/** Tools a run: step must not call itself (scripts/release/ calls them). */
const INLINE_TOOLS =
  /(^|[\s;&|(])(cosign|syft|crane|grype|trivy|osv-scanner|buildah|helm\s+(package|push)|podman\s+(build|push|login)|docker\s+(build|buildx|push|login))(\s|$)/m;
const RELEASE_SCRIPT = /\bscripts\/release\/[\w-]+\.sh\b/;
const SUPPLY_CHAIN_NAME = /\b(build|push|sign|attest|sbom|scan|package)\b/i;
const SIGNING_SCRIPT = /\bscripts\/release\/(sign|attest|chart|pipeline)\.sh\b/;

const actionName = (uses: string) => uses.split('@')[0]!.split('/').slice(0, 2).join('/');

export function checkWorkflow(file: string, text: string): string[] {
  const problems: string[] = [];
  const at = (where: string, message: string) => problems.push(`${basename(file)}: ${where}: ${message}`);
  let workflow: Workflow;
  try {
    workflow = parse(text) as Workflow;
  } catch (error) {
    return [`${basename(file)}: not YAML: ${(error as Error).message}`];
  }
  // Pins are checked on the raw lines: the version comment is not part of the parsed document.
  text.split('\n').forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/.exec(line);
    if (!match) return;
    const uses = match[1]!;
    const comment = match[2] ?? '';
    if (uses.startsWith('./')) return;
    if (uses.startsWith('docker://')) {
      if (!/@sha256:[0-9a-f]{64}$/.test(uses)) at(`line ${index + 1}`, `${uses} is not pinned by digest`);
      return;
    }
    if (!/@[0-9a-f]{40}$/.test(uses)) at(`line ${index + 1}`, `${uses} is not pinned by a full commit SHA`);
    else if (!/^#\s*v\d+(\.\d+){0,2}\b/.test(comment)) at(`line ${index + 1}`, `${uses} has no version comment (# vX.Y.Z)`);
  });

  const triggers = typeof workflow.on === 'string' ? [workflow.on] : Array.isArray(workflow.on) ? workflow.on : Object.keys(workflow.on ?? {});
  if (triggers.includes('pull_request_target')) at('on', 'pull_request_target runs untrusted code with secrets: not allowed');
  const top = workflow.permissions;
  if (top === undefined) at('permissions', 'missing top-level permissions (use `permissions: {}` and grant per job)');
  else if (typeof top !== 'object' || top === null || Object.keys(top).length > 0) at('permissions', 'top-level permissions must be `{}`');
  if (workflow.concurrency === undefined) at('concurrency', 'missing concurrency group');

  for (const [jobId, job] of Object.entries(workflow.jobs ?? {})) {
    const steps = job.steps ?? [];
    if (job.permissions === undefined) at(`job ${jobId}`, 'missing permissions (least privilege per job)');
    if (!job.uses && job['timeout-minutes'] === undefined) at(`job ${jobId}`, 'missing timeout-minutes');
    const permissions = (typeof job.permissions === 'object' && job.permissions !== null ? job.permissions : {}) as Record<string, string>;
    const signs = steps.some((s) => (s.run && SIGNING_SCRIPT.test(s.run)) || (s.uses && ATTEST_ACTIONS.includes(actionName(s.uses))));
    if (permissions['id-token'] === 'write' && !signs) at(`job ${jobId}`, 'id-token: write without a signing or attesting step');
    if (job.permissions === 'write-all') at(`job ${jobId}`, 'permissions: write-all');
    steps.forEach((step, index) => {
      const where = `job ${jobId} step ${step.name ?? step.uses ?? index + 1}`;
      if (step.uses) {
        const action = actionName(step.uses);
        if (action === 'actions/checkout' && step.with?.['persist-credentials'] !== false) at(where, 'actions/checkout needs `persist-credentials: false`');
        if (FORBIDDEN_ACTIONS.includes(action)) at(where, `${action} builds, pushes, scans, signs or attests outside scripts/release/`);
      }
      if (step.run && INLINE_TOOLS.test(step.run) && !RELEASE_SCRIPT.test(step.run)) {
        at(where, 'calls a build/push/SBOM/scan/sign tool directly: call the scripts/release/ script instead');
      }
      if (step.name && SUPPLY_CHAIN_NAME.test(step.name)) {
        const viaScript = step.run !== undefined && RELEASE_SCRIPT.test(step.run);
        const viaAttestAction = step.uses !== undefined && ATTEST_ACTIONS.includes(actionName(step.uses));
        if (!viaScript && !viaAttestAction) at(where, 'a build/push/SBOM/scan/sign/attest step must run a scripts/release/ script');
      }
    });
  }
  return problems;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: check-workflows.ts WORKFLOW.yml…');
    process.exit(2);
  }
  const problems = files.flatMap((file) => checkWorkflow(file, readFileSync(file, 'utf8')));
  for (const problem of problems) console.error(problem);
  console.error(`check-workflows: ${files.length} workflow(s), ${problems.length} violation(s)`);
  process.exit(problems.length > 0 ? 1 : 0);
}
