// Writes the SLSA v1 provenance predicate (https://slsa.dev/spec/v1.0/provenance) of a release
// image, for `cosign attest --type slsaprovenance1`: who built it (builder id: the release workflow
// in GitHub Actions, the local builder elsewhere), from what (repository and commit), how (the
// build parameters), with which inputs (materials with digests: the commit, the lockfile, the
// Dockerfile and the base images) — every timestamp from SOURCE_DATE_EPOCH, so the predicate is
// reproducible like the image. The subject (the image digest) is added by cosign.
// Usage: node scripts/release/provenance.ts FACTS_JSON > provenance.json
//   FACTS_JSON: { sourceDateEpoch, repository, commit, ref, imageDigest, buildParameters,
//                 materials: [{ uri, sha256? , gitCommit? }] } (written by attest.sh)
import { readFileSync } from 'node:fs';

const BUILD_TYPE = 'https://github.com/ispw-mcp/ispw-mcp/blob/main/docs/supply-chain.md#build-type-v1';

interface Material {
  uri: string;
  sha256?: string;
  gitCommit?: string;
}
interface Facts {
  sourceDateEpoch: number;
  repository: string;
  commit: string;
  ref: string;
  imageDigest: string;
  buildParameters: Record<string, string>;
  materials: Material[];
}

function fail(message: string): never {
  console.error(`provenance: ${message}`);
  process.exit(1);
}

const factsPath = process.argv[2] ?? fail('usage: provenance.ts FACTS_JSON');
const facts = JSON.parse(readFileSync(factsPath, 'utf8')) as Facts;
if (!/^[0-9a-f]{40}$/.test(facts.commit)) fail(`the source commit must be a full git SHA, got '${facts.commit}'`);
if (!/^sha256:[0-9a-f]{64}$/.test(facts.imageDigest)) fail(`the image digest must be sha256:<64 hex>, got '${facts.imageDigest}'`);
if (!Number.isInteger(facts.sourceDateEpoch)) fail('sourceDateEpoch must be an integer');
for (const m of facts.materials) if (!m.sha256 && !m.gitCommit) fail(`material ${m.uri} has no digest`);

const env = process.env;
const inActions = env.GITHUB_ACTIONS === 'true';
// In GitHub Actions the builder is the workflow file at the ref that ran it — the identity keyless
// signing certifies too; elsewhere the local builder, named so it can never pass for the CI one.
const builderId = inActions
  ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_WORKFLOW_REF ?? `${env.GITHUB_REPOSITORY}/.github/workflows/release.yml@${env.GITHUB_REF}`}`
  : (env.RELEASE_BUILDER_ID ?? 'https://github.com/ispw-mcp/ispw-mcp/scripts/release@local');
const invocationId = inActions
  ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}/attempts/${env.GITHUB_RUN_ATTEMPT}`
  : `local:${facts.commit}:${facts.imageDigest}`;
const time = new Date(facts.sourceDateEpoch * 1000).toISOString();

const predicate = {
  buildDefinition: {
    buildType: BUILD_TYPE,
    externalParameters: {
      source: { repository: facts.repository, ref: facts.ref, commit: facts.commit },
      build: facts.buildParameters,
    },
    internalParameters: { SOURCE_DATE_EPOCH: String(facts.sourceDateEpoch), imageDigest: facts.imageDigest },
    resolvedDependencies: facts.materials.map((m) => ({
      uri: m.uri,
      digest: m.gitCommit ? { gitCommit: m.gitCommit } : { sha256: m.sha256!.replace(/^sha256:/, '') },
    })),
  },
  runDetails: {
    builder: { id: builderId },
    metadata: { invocationId, startedOn: time, finishedOn: time },
  },
};
process.stdout.write(`${JSON.stringify(predicate, null, 2)}\n`);
