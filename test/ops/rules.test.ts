// The Prometheus rules of deploy/monitoring/prometheus with the real promtool: `check rules` and
// the unit tests of test/ops/promtool (synthetic series proving each alert fires when it should
// and stays quiet when it should not, burn-rate windows included). Each gate is also shown to fail:
// a broken rule file, and rules with a burn-rate threshold or the SLI's classification changed.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { headingAnchors } from './support/markdown.js';
import { alertCoverage, alertRules, promtoolTests, ruleFiles } from './support/rules.js';
import { opsTool, repoPath, run } from './support/tools.js';

const promtool = opsTool('promtool');
const scratch = mkdtempSync(join(tmpdir(), 'issue-16-operations-rules-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of a promtool test file that loads `rules` instead of the committed rule file. */
function testAgainst(testFile: string, rules: string): string {
  const text = readFileSync(repoPath(testFile), 'utf8').replace(/^ {2}- \.\.\/\.\.\/\.\.\/deploy\/monitoring\/prometheus\/.*$/m, `  - ${rules}`);
  const path = join(scratch, `${Math.random().toString(36).slice(2)}.test.yaml`);
  writeFileSync(path, text);
  return path;
}

function mutatedRules(file: string, from: string | RegExp, to: string): string {
  const text = readFileSync(repoPath(file), 'utf8');
  const mutated = text.replace(from, to);
  expect(mutated, `mutation of ${file} must change something`).not.toBe(text);
  const path = join(scratch, `${Math.random().toString(36).slice(2)}.rules.yaml`);
  writeFileSync(path, mutated);
  return path;
}

describe('Prometheus rules', () => {
  it('pass promtool check rules', async () => {
    const result = await run(promtool, ['check', 'rules', ...ruleFiles()]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    for (const file of ruleFiles()) expect(result.stdout).toContain(`Checking ${file}`);
  });

  it('promtool check rules refuses a broken rule file', async () => {
    const broken = mutatedRules(ruleFiles()[1]!, 'max by (namespace, job, ces_instance) (', 'max by (namespace, job, ces_instance) ((');
    const result = await run(promtool, ['check', 'rules', broken]);
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toMatch(/unclosed left parenthesis|parse error/);
  });

  it('pass their promtool unit tests', async () => {
    const result = await run(promtool, ['test', 'rules', ...promtoolTests()]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout.match(/SUCCESS/g)).toHaveLength(promtoolTests().length);
  });

  it('the unit tests fail when a burn-rate threshold changes', async () => {
    // The fast tier at 1.44 × instead of 14.4 × pages too early.
    const rules = mutatedRules('deploy/monitoring/prometheus/ispw-mcp-slo.rules.yaml', /> \(14\.4 \* 0\.005\)/g, '> (1.44 * 0.005)');
    const result = await run(promtool, ['test', 'rules', '--run', '^fast burn$', testAgainst('test/ops/promtool/slo-availability.test.yaml', rules)]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/name: fast burn/);
  });

  it('the unit tests fail when a CES 4xx answer counts against availability', async () => {
    const rules = mutatedRules('deploy/monitoring/prometheus/ispw-mcp-slo.rules.yaml', /\|ces_auth\|/g, '|');
    const result = await run(promtool, ['test', 'rules', '--run', '^classification$', testAgainst('test/ops/promtool/slo-availability.test.yaml', rules)]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/name: classification/);
  });

  it('the unit tests fail when a symptom alert loses its `for`', async () => {
    const rules = mutatedRules('deploy/monitoring/prometheus/ispw-mcp-symptoms.rules.yaml', /\n {8}for: 2m\n/, '\n');
    const result = await run(promtool, ['test', 'rules', testAgainst('test/ops/promtool/symptoms.test.yaml', rules)]);
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toMatch(/IspwMcpCesCircuitBreakerOpen/);
  });
});

describe('every alert', () => {
  const alerts = alertRules();

  it('has a severity, a category, a summary, a description and a runbook that exists', () => {
    expect(alerts.length).toBeGreaterThan(15);
    for (const a of alerts) {
      const where = `${a.alert} (${a.file})`;
      expect(['page', 'ticket'], where).toContain(a.labels.severity);
      expect(['slo', 'symptom'], where).toContain(a.labels.category);
      expect(a.annotations.summary, where).toBeTruthy();
      expect(a.annotations.description, where).toBeTruthy();
      const [file, anchor] = (a.annotations.runbook_url ?? '').split('#');
      expect(file, where).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(repoPath(file!)), `${where}: ${file} is missing`).toBe(true);
      if (anchor) expect(headingAnchors(readFileSync(repoPath(file!), 'utf8')), `${where}: no heading #${anchor} in ${file}`).toContain(anchor);
    }
  });

  it('is proven by promtool cases where it fires and where it stays quiet', () => {
    const coverage = alertCoverage();
    for (const name of new Set(alerts.map((a) => a.alert))) {
      const c = coverage.get(name);
      expect(c?.fires, `${name}: no promtool case expects it to fire`).toBeGreaterThan(0);
      expect(c?.quiet, `${name}: no promtool case expects it to stay quiet`).toBeGreaterThan(0);
    }
  });
});
