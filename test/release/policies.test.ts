// The Kyverno admission policies (deploy/policies), offline with the Kyverno CLI: the pod-hardening
// policy's kyverno-test.yaml (the hardened Deployment and Pod pass every rule; each bad variant fails
// exactly its rule) passes, and the same test fails when a rule is weakened — so each bad variant is
// really refused by its rule. The chart's rendered resources pass the policy once the chart exists.
// The image-verification policies run against a loopback registry in chain.test.ts.
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { ROOT, run, runOk, tempDir, tool } from './support.js';

const POLICIES = join(ROOT, 'deploy/policies');
const CHART = join(ROOT, 'charts/ispw-mcp');
const work = tempDir('policies');
afterAll(() => work.remove());
const kyverno = (args: string[]) => run(tool('kyverno'), args, { timeoutMs: 300_000 });

interface Rule {
  name: string;
  validate?: Record<string, unknown>;
}
/** A copy of the pod-hardening folder whose policy has one rule edited. */
function weakened(ruleName: string, edit: (rule: Rule) => void): string {
  const dir = join(work.path, `weak-${ruleName}`);
  cpSync(join(POLICIES, 'pod-hardening'), dir, { recursive: true });
  const file = join(dir, 'pod-hardening.yaml');
  const policy = parse(readFileSync(file, 'utf8')) as { spec: { rules: Rule[] } };
  edit(policy.spec.rules.find((r) => r.name === ruleName)!);
  writeFileSync(file, stringify(policy, { aliasDuplicateObjects: false }));
  return dir;
}

describe('pod-hardening policy (kyverno test)', () => {
  it('the hardened Deployment and Pod pass every rule and each bad variant fails its rule', async () => {
    const result = await kyverno(['test', join(POLICIES, 'pod-hardening')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Test Summary: \d+ tests passed and 0 tests failed/);
    // kyverno test counts a result for a resource the rule did not apply to ("Excluded") as met:
    // every expectation must come from a rule that really ran.
    expect(result.stdout).not.toContain('Excluded');
  });

  it.each([
    ['require-run-as-non-root', 'ispw-mcp-bad-run-as-root'],
    ['require-read-only-root-filesystem', 'ispw-mcp-bad-writable-root'],
    ['require-drop-all-capabilities', 'ispw-mcp-bad-capabilities'],
    ['disallow-privilege-escalation', 'ispw-mcp-bad-privilege-escalation'],
    ['require-seccomp-profile', 'ispw-mcp-bad-seccomp'],
    ['require-resource-limits', 'ispw-mcp-bad-no-limits'],
    ['disallow-latest-tag', 'ispw-mcp-bad-latest'],
    ['require-image-digest', 'ispw-mcp-bad-tag-only'],
  ])('fails when rule %s stops refusing %s (the fixture really depends on the rule)', async (rule, resource) => {
    // Replace the rule's check with one every Pod passes.
    const dir = weakened(rule, (r) => {
      r.validate = { failureAction: 'Enforce', message: 'weakened for the test', pattern: { metadata: { name: '?*' } } };
    });
    const result = await kyverno(['test', dir]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain(resource);
    expect(result.stdout).toMatch(/Test Summary: \d+ tests passed and [1-9]\d* tests failed/);
  });

  // Every scenario of the chart's values matrix (charts/ispw-mcp/ci), as a release deploys it: every
  // image pinned by digest — the chart's own (image.digest) and, in the sidecar scenarios, the
  // workload's example containers, which name theirs by tag (the policy refuses those, as it should).
  const scenarios = readdirSync(join(CHART, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort();
  it("the chart's rendered resources pass the policy in every scenario of its values matrix", async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(scenarios.length, 'charts/ispw-mcp/ci holds the values matrix').toBeGreaterThan(0);
    for (const scenario of scenarios) {
      const values = parse(readFileSync(join(CHART, 'ci', scenario), 'utf8')) as {
        image?: object;
        sidecar?: { workload?: { containers?: { image: string }[] } };
      };
      for (const container of values.sidecar?.workload?.containers ?? []) {
        if (!container.image.includes('@sha256:')) container.image = `${container.image.replace(/:[^:/]+$/, '')}@${digest}`;
      }
      const valuesFile = join(work.path, `values-${scenario}`);
      writeFileSync(valuesFile, stringify({ ...values, image: { ...values.image, digest } }));
      const rendered = join(work.path, `chart-${scenario}`);
      writeFileSync(
        rendered,
        await runOk(tool('helm'), ['template', 'ispw-mcp', CHART, '--kube-version', '1.37.2', '--namespace', 'ispw-mcp', '-f', valuesFile]),
      );
      const result = await kyverno(['apply', join(POLICIES, 'pod-hardening/pod-hardening.yaml'), '--resource', rendered]);
      expect(result.code, `${scenario}: ${result.stdout}${result.stderr}`).toBe(0);
      expect(result.stdout, scenario).toMatch(/Applying \d+ policy rule\(s\) to [1-9]\d* resource\(s\)/);
      expect(result.stdout, scenario).toMatch(/pass: [1-9]\d*, fail: 0, warn: 0, error: 0/);
    }
  }, 600_000);

  it.skipIf(scenarios.length === 0)('refuses the chart rendered with its image by tag (no digest)', async () => {
    const rendered = join(work.path, 'chart-by-tag.yaml');
    const values = join(CHART, 'ci', 'default-values.yaml');
    writeFileSync(rendered, await runOk(tool('helm'), ['template', 'ispw-mcp', CHART, '--kube-version', '1.37.2', '--namespace', 'ispw-mcp', '-f', values]));
    const result = await kyverno(['apply', join(POLICIES, 'pod-hardening/pod-hardening.yaml'), '--resource', rendered]);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toContain('autogen-require-image-digest');
  });
});

describe('image verification policies', () => {
  it('every policy folder carries its kyverno-test.yaml', () => {
    const folders = readdirSync(POLICIES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual(['pod-hardening', 'verify-image', 'verify-image-key']);
    for (const folder of folders) expect(existsSync(join(POLICIES, folder, 'kyverno-test.yaml')), folder).toBe(true);
  });

  it('the keyless policy (GitHub release identity) loads offline and leaves images it does not cover alone', async () => {
    const result = await kyverno(['test', join(POLICIES, 'verify-image')]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Test Summary: 1 tests passed and 0 tests failed/);
  });

  it('the key policy (air-gapped) loads and skips unrelated images', async () => {
    const pod = join(work.path, 'unrelated-pod.yaml');
    writeFileSync(pod, readFileSync(join(POLICIES, 'verify-image/resources/pods.yaml'), 'utf8'));
    const result = await kyverno(['apply', join(POLICIES, 'verify-image-key/verify-image-key.yaml'), '--resource', pod]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/pass: 0, fail: 0, warn: 0, error: 0/);
  });
});
