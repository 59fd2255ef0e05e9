// The CustomResourceDefinitions of the operators the chart can render objects for, taken from
// those projects' own Go modules through the Go module proxy (`go mod download`, cached in the
// module cache like any Go dependency). The tests install them into the control plane, so the API
// server validates the chart's custom objects against the real CRD schemas, and the kubeconform
// schemas are generated from the same API server. Nothing fetched is committed.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface CrdSource {
  module: string;
  version: string;
  files: string[];
  /** group/version/kind the chart renders from these CRDs. */
  kinds: string[];
}

export const CRD_SOURCES: readonly CrdSource[] = [
  {
    module: 'github.com/external-secrets/external-secrets',
    version: 'v1.3.2',
    files: ['config/crds/bases/external-secrets.io_externalsecrets.yaml'],
    kinds: ['external-secrets.io/v1/ExternalSecret'],
  },
  {
    module: 'sigs.k8s.io/secrets-store-csi-driver',
    version: 'v1.6.1',
    files: ['config/crd/bases/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml'],
    kinds: ['secrets-store.csi.x-k8s.io/v1/SecretProviderClass'],
  },
  {
    module: 'github.com/cert-manager/cert-manager',
    version: 'v1.21.2',
    files: ['deploy/crds/cert-manager.io_certificates.yaml'],
    kinds: ['cert-manager.io/v1/Certificate'],
  },
  {
    module: 'github.com/prometheus-operator/prometheus-operator',
    version: 'v0.85.0',
    files: [
      'example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml',
      'example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml',
    ],
    kinds: ['monitoring.coreos.com/v1/ServiceMonitor', 'monitoring.coreos.com/v1/PrometheusRule'],
  },
  {
    // v1.7 needs Go 1.27 to download; v1.6 serves HTTPRoute and BackendTLSPolicy as v1 too.
    module: 'sigs.k8s.io/gateway-api',
    version: 'v1.6.3',
    files: ['config/crd/standard/gateway.networking.k8s.io_httproutes.yaml', 'config/crd/standard/gateway.networking.k8s.io_backendtlspolicies.yaml'],
    kinds: ['gateway.networking.k8s.io/v1/HTTPRoute', 'gateway.networking.k8s.io/v1/BackendTLSPolicy'],
  },
  {
    module: 'github.com/cilium/cilium',
    version: 'v1.20.2',
    files: ['pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml'],
    kinds: ['cilium.io/v2/CiliumNetworkPolicy'],
  },
];

/** Downloads (or finds in the module cache) each module and returns the CRD manifests' text. */
export async function crdManifests(): Promise<string[]> {
  const texts: string[] = [];
  for (const source of CRD_SOURCES) {
    const { stdout } = await exec('go', ['mod', 'download', '-json', `${source.module}@${source.version}`], {
      cwd: '/',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 600_000,
    });
    const info = JSON.parse(stdout) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(`go mod download ${source.module}@${source.version}: ${info.Error ?? 'no directory'}`);
    for (const file of source.files) texts.push(readFileSync(join(info.Dir, file), 'utf8'));
  }
  return texts;
}

export const CRD_KINDS: readonly string[] = CRD_SOURCES.flatMap((s) => s.kinds);
