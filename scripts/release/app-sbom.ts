// Turns `npm sbom` output (CycloneDX JSON on stdin) into the app SBOM the release attaches: the
// root component named after package.json (npm names it after the checkout folder) and typed as
// an application, and the two fields npm fills from the clock and a random source — timestamp and
// serialNumber — fixed from SOURCE_DATE_EPOCH and the content, so the same commit gives the same bytes.
// Usage: npm sbom … | node scripts/release/app-sbom.ts PACKAGE_JSON SOURCE_DATE_EPOCH > out.json
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

interface Bom {
  bomFormat: string;
  serialNumber?: string;
  metadata?: { timestamp?: string; component?: { name?: string; type?: string; 'bom-ref'?: string } };
  components?: unknown[];
}

const [packageJsonPath, epochText] = process.argv.slice(2);
if (!packageJsonPath || !epochText || !/^\d+$/.test(epochText)) {
  console.error('usage: app-sbom.ts PACKAGE_JSON SOURCE_DATE_EPOCH < npm-sbom.json');
  process.exit(2);
}
const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { name: string };
const bom = JSON.parse(readFileSync(0, 'utf8')) as Bom;
if (bom.bomFormat !== 'CycloneDX' || !Array.isArray(bom.components)) {
  console.error('app-sbom: the input is not a CycloneDX BOM with components');
  process.exit(1);
}
bom.metadata ??= {};
bom.metadata.timestamp = new Date(Number(epochText) * 1000).toISOString();
bom.metadata.component = { ...bom.metadata.component, name: pkg.name, type: 'application' };
delete bom.serialNumber;
// A name-based UUID (version 5 layout) from the content: stable for the same inputs.
const hash = createHash('sha256').update(JSON.stringify(bom)).digest('hex');
const uuid = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-5${hash.slice(13, 16)}-${((parseInt(hash.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
process.stdout.write(`${JSON.stringify({ ...bom, serialNumber: `urn:uuid:${uuid}` }, null, 2)}\n`);
