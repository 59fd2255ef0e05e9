// Reads `cosign verify-attestation` output (one DSSE envelope per line, signatures already checked
// by cosign) and checks what the signature alone does not: the statement is about THIS image
// digest, it carries the expected predicate type, and the predicate says what it must — a CycloneDX
// BOM with components, or SLSA v1 provenance of the project's build type for the expected commit.
// Usage: cosign verify-attestation … | node check-attestations.ts cyclonedx|slsaprovenance1 DIGEST [COMMIT]
import { readFileSync } from 'node:fs';

const PREDICATE_TYPES: Record<string, string> = {
  cyclonedx: 'https://cyclonedx.org/bom',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
};
const BUILD_TYPE = 'https://github.com/ispw-mcp/ispw-mcp/blob/main/docs/supply-chain.md#build-type-v1';

interface Statement {
  _type: string;
  predicateType: string;
  subject: { name: string; digest: Record<string, string> }[];
  predicate: Record<string, unknown>;
}

function fail(message: string): never {
  console.error(`check-attestations: ${message}`);
  process.exit(1);
}

const [type, digest, commit] = process.argv.slice(2);
const expectedType = PREDICATE_TYPES[type ?? ''] ?? fail(`usage: check-attestations.ts ${Object.keys(PREDICATE_TYPES).join('|')} sha256:DIGEST [COMMIT]`);
if (!/^sha256:[0-9a-f]{64}$/.test(digest ?? '')) fail(`expected the image digest sha256:<64 hex>, got '${digest}'`);
const envelopes = readFileSync(0, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '');
if (envelopes.length === 0) fail(`no ${type} attestation was verified`);

let matching = 0;
for (const line of envelopes) {
  const envelope = JSON.parse(line) as { payloadType?: string; payload?: string };
  if (envelope.payloadType !== 'application/vnd.in-toto+json' || !envelope.payload) fail('an attestation is not an in-toto DSSE envelope');
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Statement;
  if (statement.predicateType !== expectedType) continue;
  const hex = digest!.slice('sha256:'.length);
  if (!statement.subject.some((s) => s.digest.sha256 === hex))
    fail(`a ${type} attestation is about another artefact (subject ${JSON.stringify(statement.subject)})`);
  const predicate = statement.predicate;
  if (type === 'cyclonedx') {
    const components = predicate.components;
    if (predicate.bomFormat !== 'CycloneDX' || !Array.isArray(components) || components.length === 0)
      fail('the cyclonedx attestation holds no CycloneDX BOM with components');
  } else {
    const definition = predicate.buildDefinition as { buildType?: string; externalParameters?: { source?: { commit?: string } } } | undefined;
    const builder = (predicate.runDetails as { builder?: { id?: string } } | undefined)?.builder?.id;
    if (definition?.buildType !== BUILD_TYPE) fail(`unexpected SLSA build type ${definition?.buildType}`);
    if (!builder) fail('the provenance names no builder');
    if (commit && definition.externalParameters?.source?.commit !== commit) {
      fail(`the provenance is for commit ${definition.externalParameters?.source?.commit}, expected ${commit}`);
    }
  }
  matching += 1;
}
if (matching === 0) fail(`no attestation with predicate type ${expectedType}`);
console.log(`${type}: ${matching} verified attestation(s) for ${digest}`);
