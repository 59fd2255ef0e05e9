// The whole release chain offline (scripts/release/pipeline.sh — the scripts release.yml runs step
// by step): the real image built reproducibly, the dependency gate on a fixture OSV database, push
// to a loopback registry by digest, SBOMs, the Debian security gate, cosign signature and the
// CycloneDX and SLSA v1 attestations with a throw-away key (no transparency log), the chart pushed
// and signed, then verification as a user would. Then the failures: another key, a re-tagged
// unsigned image, a copy in another repository without its signatures, and a tampered attestation.
// Kyverno's verifyImages against the same registry admits the signed image and refuses the unsigned one.
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';

import { ROOT, bash, buildFixtureOsvDb, run, runOk, startRegistry, tempDir, tool, unique, type Registry } from './support.js';

const work = tempDir('chain');
const out = join(work.path, 'release');
const localTag = `localhost/${unique('release')}:test`;
/** Everything runs key-based and off the public transparency log, with an empty key password. */
const env = { RELEASE_OUT: out, RELEASE_OFFLINE: '1', COSIGN_PASSWORD: '', DOCKER_CONFIG: join(work.path, 'docker') };
let registry: Registry;
let repository = '';
let ref = '';
let chartRef = '';
const keyA = join(work.path, 'key-a');
const keyB = join(work.path, 'key-b');

const cosign = (args: string[]) => run(tool('cosign'), args, { env, timeoutMs: 120_000 });
const crane = (args: string[]) => runOk(tool('crane'), args, { env, timeoutMs: 120_000 });
const offline = ['--insecure-ignore-tlog=true'];
interface Provenance {
  buildDefinition: {
    externalParameters: { source: { commit: string }; build: Record<string, string> };
    resolvedDependencies: { uri: string; digest: { sha256?: string; gitCommit?: string } }[];
  };
  runDetails: { builder: { id: string }; metadata: { startedOn: string } };
}
interface Statement {
  predicateType: string;
  subject: { digest: { sha256: string } }[];
  predicate: { components?: { purl?: string }[] } & Partial<Provenance>;
}
/** The in-toto statements of cosign verify-attestation's output. */
const statements = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, 'base64').toString('utf8')) as Statement);

beforeAll(async () => {
  // An empty auth file of our own: the host's registry credentials stay out of the test.
  mkdirSync(env.DOCKER_CONFIG, { recursive: true });
  writeFileSync(join(env.DOCKER_CONFIG, 'config.json'), '{"auths":{}}\n');
  registry = await startRegistry(join(work.path, 'registry'));
  repository = `${registry.host}/ispw-mcp/ispw-mcp`;
  for (const dir of [keyA, keyB]) {
    await runOk('mkdir', ['-p', dir]);
    await runOk(tool('cosign'), ['generate-key-pair'], { cwd: dir, env });
  }
  const db = join(work.path, 'osv-db');
  await buildFixtureOsvDb(db);
  const chart = join(ROOT, 'charts/ispw-mcp');
  const result = await bash(
    'pipeline.sh',
    [
      repository,
      '--key',
      join(keyA, 'cosign.key'),
      '--offline-db',
      db,
      '--tag',
      localTag,
      '--chart-destination',
      `oci://${registry.host}/charts`,
      '--chart',
      chart,
    ],
    { env, timeoutMs: 1_500_000 },
  );
  if (result.code !== 0) throw new Error(`pipeline.sh failed (${result.code}):\n${result.stderr.slice(-6000)}`);
  ref = result.stdout.trim().split('\n').at(-1)!;
  chartRef = readFileSync(join(out, 'chart.ref'), 'utf8').trim();
}, 1_800_000);

afterAll(async () => {
  await registry?.stop();
  await run('podman', ['rmi', '--force', localTag]);
  work.remove();
});

describe('release chain (loopback registry, throw-away key, no transparency log)', () => {
  it('pushes the image by digest and the gates ran on it with named databases', () => {
    expect(ref).toMatch(new RegExp(`^${repository.replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}$`));
    expect(readFileSync(join(out, 'vuln-deps.txt'), 'utf8')).toMatch(/database: offline OSV database .*fixture records.*3 advisories/);
    expect(readFileSync(join(out, 'vuln-image.txt'), 'utf8')).toMatch(/database: Debian security archive .* bookworm-security/);
  });

  it('verify.sh passes with the public key: signature, CycloneDX SBOM and SLSA v1 provenance for this commit', async () => {
    const commit = (await runOk('git', ['-C', ROOT, 'rev-parse', 'HEAD'])).trim();
    const result = await bash('verify.sh', [ref, '--key', join(keyA, 'cosign.pub'), '--commit', commit], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('cyclonedx: 1 verified attestation(s)');
    expect(result.stderr).toContain('slsaprovenance1: 1 verified attestation(s)');
  });

  it('cosign verify-attestation --type cyclonedx returns the image SBOM: Node, Debian packages, npm dependencies', async () => {
    const result = await cosign(['verify-attestation', '--key', join(keyA, 'cosign.pub'), ...offline, '--type', 'cyclonedx', ref]);
    expect(result.code, result.stderr).toBe(0);
    const [statement] = statements(result.stdout);
    expect(statement!.predicateType).toBe('https://cyclonedx.org/bom');
    expect(statement!.subject[0]!.digest.sha256).toBe(ref.split('@sha256:')[1]);
    const purls = (statement!.predicate.components ?? []).map((c) => c.purl ?? '');
    expect(purls.some((p) => p.startsWith('pkg:generic/node@'))).toBe(true);
    expect(purls.some((p) => p.startsWith('pkg:deb/debian/libc6@'))).toBe(true);
    expect(purls.some((p) => p.startsWith('pkg:npm/zod@'))).toBe(true);
  });

  it('cosign verify-attestation --type slsaprovenance1 returns SLSA v1 provenance with builder, source, parameters, materials and fixed times', async () => {
    const result = await cosign(['verify-attestation', '--key', join(keyA, 'cosign.pub'), ...offline, '--type', 'slsaprovenance1', ref]);
    expect(result.code, result.stderr).toBe(0);
    const [statement] = statements(result.stdout);
    expect(statement!.predicateType).toBe('https://slsa.dev/provenance/v1');
    const { buildDefinition, runDetails } = statement!.predicate as Provenance;
    const commit = (await runOk('git', ['-C', ROOT, 'rev-parse', 'HEAD'])).trim();
    const epoch = (await runOk('git', ['-C', ROOT, 'log', '-1', '--format=%ct'])).trim();
    expect(buildDefinition.externalParameters.source.commit).toBe(commit);
    expect(buildDefinition.externalParameters.build.SOURCE_DATE_EPOCH).toBe(epoch);
    expect(runDetails.builder.id).toBe('https://github.com/ispw-mcp/ispw-mcp/scripts/release@local');
    // cosign re-serialises the predicate (Go's time format drops the milliseconds): compare instants.
    expect(Date.parse(runDetails.metadata.startedOn)).toBe(Number(epoch) * 1000);
    const lockDigest = (await runOk('sha256sum', [join(ROOT, 'package-lock.json')])).split(' ')[0];
    const deps = buildDefinition.resolvedDependencies;
    expect(deps.find((d) => d.uri.endsWith('/package-lock.json'))?.digest.sha256).toBe(lockDigest);
    expect(deps.find((d) => d.digest.gitCommit)?.digest.gitCommit).toBe(commit);
    expect(deps.filter((d) => d.uri.startsWith('oci://')).every((d) => /^[0-9a-f]{64}$/.test(d.digest.sha256!))).toBe(true);
    // The v0.2 predicate type is not what was attested: asking for it finds nothing.
    expect((await cosign(['verify-attestation', '--key', join(keyA, 'cosign.pub'), ...offline, '--type', 'slsaprovenance', ref])).code).not.toBe(0);
  });

  it('fails with a different key', async () => {
    const result = await bash('verify.sh', [ref, '--key', join(keyB, 'cosign.pub')], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/signature of .* does not verify/);
  });

  it('fails for a re-tagged unsigned image (same repository, changed content, new digest)', async () => {
    await crane(['mutate', ref, '--label', 'org.example.tampered=true', '--tag', `${repository}:0.1.0`]);
    const digest = (await crane(['digest', `${repository}:0.1.0`])).trim();
    expect(`${repository}@${digest}`).not.toBe(ref);
    const result = await bash('verify.sh', [`${repository}@${digest}`, '--key', join(keyA, 'cosign.pub')], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/no signatures found|no matching signatures/);
  });

  it('fails for the signed image copied to another repository without its signatures', async () => {
    const other = `${registry.host}/mirror/ispw-mcp`;
    await crane(['copy', ref, `${other}:0.1.0`]);
    const result = await bash('verify.sh', [`${other}@${ref.split('@')[1]}`, '--key', join(keyA, 'cosign.pub')], { env });
    expect(result.code).not.toBe(0);
  });

  it('fails for a tampered attestation (provenance changed after signing, signature kept)', async () => {
    // A copy with its signature and attestations, so the tampering does not touch the original.
    const copy = `${registry.host}/tampered/ispw-mcp`;
    expect((await cosign(['copy', ref, copy])).code).toBe(0);
    const copyRef = `${copy}@${ref.split('@')[1]}`;
    expect((await bash('verify.sh', [copyRef, '--key', join(keyA, 'cosign.pub')], { env })).code).toBe(0);
    const downloaded = await cosign(['download', 'attestation', '--predicate-type', 'https://slsa.dev/provenance/v1', copyRef]);
    const envelope = JSON.parse(downloaded.stdout.trim().split('\n')[0]!) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { predicate: Provenance };
    statement.predicate.runDetails.builder.id = 'https://github.com/ispw-mcp/ispw-mcp/.github/workflows/release.yml@refs/tags/v9.9.9';
    envelope.payload = Buffer.from(JSON.stringify(statement)).toString('base64');
    writeFileSync(join(work.path, 'tampered.json'), JSON.stringify(envelope));
    // Replace the attestations with the tampered envelope (the registry keeps it under the .att tag).
    const att = (await cosign(['triangulate', '--type', 'attestation', copyRef])).stdout.trim();
    await crane(['delete', att]);
    expect((await cosign(['attach', 'attestation', '--attestation', join(work.path, 'tampered.json'), copyRef])).code).toBe(0);
    const result = await bash('verify.sh', [copyRef, '--key', join(keyA, 'cosign.pub')], { env });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/attestation of .* does not verify/);
  });

  it('pushes the chart to the same registry and signs it with the same key', async () => {
    expect(chartRef).toMatch(new RegExp(`^${registry.host.replace(/[.]/g, '\\.')}/charts/ispw-mcp@sha256:[0-9a-f]{64}$`));
    expect((await cosign(['verify', '--key', join(keyA, 'cosign.pub'), ...offline, chartRef])).code).toBe(0);
    expect((await cosign(['verify', '--key', join(keyB, 'cosign.pub'), ...offline, chartRef])).code).not.toBe(0);
  });
});

describe('admission: Kyverno verifyImages against the loopback registry (kyverno test)', () => {
  /** deploy/policies/verify-image-key rendered for this registry and key; returns kyverno test's result. */
  async function kyvernoTest(signedDigest: string, unsignedDigest: string, signedOnlyDigest: string) {
    const dir = join(work.path, `kyverno-${Date.now()}`);
    cpSync(join(ROOT, 'deploy/policies/verify-image-key'), dir, { recursive: true });
    const policyFile = join(dir, 'verify-image-key.yaml');
    interface KeyAttestor {
      entries: { keys: { publicKeys: string } }[];
    }
    interface VerifyImages {
      imageReferences: string[];
      attestors: KeyAttestor[];
      attestations: { attestors: KeyAttestor[] }[];
    }
    const policy = parse(readFileSync(policyFile, 'utf8')) as { spec: { rules: { verifyImages: VerifyImages[] }[] } };
    const pem = readFileSync(join(keyA, 'cosign.pub'), 'utf8');
    const verify = policy.spec.rules[0]!.verifyImages[0]!;
    verify.imageReferences = [`${repository}*`];
    verify.attestors[0]!.entries[0]!.keys.publicKeys = pem;
    for (const attestation of verify.attestations) attestation.attestors[0]!.entries[0]!.keys.publicKeys = pem;
    writeFileSync(policyFile, stringify(policy));
    const pods = join(dir, 'resources/pods.yaml');
    writeFileSync(
      pods,
      readFileSync(pods, 'utf8')
        .replaceAll('REGISTRY', registry.host)
        .replaceAll('SIGNED_ONLY_DIGEST', signedOnlyDigest)
        .replaceAll('UNSIGNED_DIGEST', unsignedDigest)
        .replaceAll('SIGNED_DIGEST', signedDigest),
    );
    return run(tool('kyverno'), ['test', dir, '--detailed-results'], { env, timeoutMs: 300_000 });
  }
  let unsigned = '';
  let signedOnly = '';

  beforeAll(async () => {
    // Two more images in the release repository: one unsigned, one signed by the key but never attested.
    await crane(['mutate', ref, '--label', 'org.example.variant=unsigned', '--tag', `${repository}:unsigned`]);
    unsigned = (await crane(['digest', `${repository}:unsigned`])).trim();
    await crane(['mutate', ref, '--label', 'org.example.variant=signed-only', '--tag', `${repository}:signed-only`]);
    signedOnly = (await crane(['digest', `${repository}:signed-only`])).trim();
    expect((await bash('sign.sh', [`${repository}@${signedOnly}`, '--key', join(keyA, 'cosign.key')], { env })).code).toBe(0);
  });

  it('admits the signed and attested image and refuses an unsigned one and a signed one without attestations', async () => {
    const result = await kyvernoTest(ref.split('@')[1]!, unsigned, signedOnly);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    // Kyverno reports two checks per pod (signature, then attestations).
    expect(result.stdout).toMatch(/Test Summary: 6 tests passed and 0 tests failed/);
    expect(result.stdout).toContain(`verified image attestations for ${ref}`);
    expect(result.stdout).toMatch(/ispw-mcp-unsigned .*failed to verify image/);
    expect(result.stdout).toMatch(/ispw-mcp-signed-no-attestations .*image attestations verification failed/);
  });

  it('the same kyverno test fails when the "signed" pod runs the unsigned image (the check can fail)', async () => {
    const result = await kyvernoTest(unsigned, unsigned, signedOnly);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(/Test Summary: \d+ tests passed and [1-9]\d* tests failed/);
  });
});
