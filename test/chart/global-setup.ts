// Once per chart test run: starts the control plane (etcd, kube-apiserver, kube-controller-manager
// on loopback), installs the operators' CRDs, and generates the offline kubeconform schemas from
// the API server's OpenAPI document. Everything is stopped at the end, also when tests fail.
import type { TestProject } from 'vitest/node';

import { type ControlPlane, startControlPlane } from './support/control-plane.js';
import { CRD_KINDS, crdManifests } from './support/crds.js';
import { writeSchemas } from './support/schemas.js';
import { runOk, tool } from './support/tools.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    schemaLocation: string;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  let cp: ControlPlane | undefined = await startControlPlane();
  const kubectl = (args: string[], input?: string) => runOk(tool('kubectl'), ['--kubeconfig', cp!.kubeconfig, ...args], input === undefined ? {} : { input });
  try {
    const crdStart = Date.now();
    await kubectl(['apply', '--server-side', '-f', '-'], (await crdManifests()).join('\n---\n'));
    await kubectl(['wait', '--for=condition=Established', 'crd', '--all', '--timeout=120s']);
    // The OpenAPI document picks up new CRDs a moment after they are established.
    let openapi = '';
    for (let attempt = 0; attempt < 120; attempt++) {
      openapi = await kubectl(['get', '--raw', '/openapi/v2']);
      const served = new Set(
        Object.values(
          (JSON.parse(openapi) as { definitions: Record<string, { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] }> })
            .definitions,
        )
          .flatMap((d) => d['x-kubernetes-group-version-kind'] ?? [])
          .map((g) => `${g.group}/${g.version}/${g.kind}`),
      );
      const missing = CRD_KINDS.filter((gvk) => !served.has(gvk));
      if (missing.length === 0) break;
      if (attempt === 119) throw new Error(`the API server's OpenAPI document never listed ${missing.join(', ')}`);
      await sleep(500);
    }
    const crdSeconds = (Date.now() - crdStart) / 1000;
    const schemas = writeSchemas(openapi);
    const t = cp.timings;
    process.stdout.write(
      `chart tests: control plane up in ${t.controllerManager.toFixed(1)} s (etcd ${t.etcd.toFixed(1)} s, kube-apiserver ${t.apiserver.toFixed(1)} s, ` +
        `kube-controller-manager ${t.controllerManager.toFixed(1)} s); ${CRD_KINDS.length} CRD kinds established and published in ${crdSeconds.toFixed(1)} s; ` +
        `${schemas.kinds} kubeconform schemas; setup ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    project.provide('kubeconfig', cp.kubeconfig);
    project.provide('schemaLocation', schemas.location);
  } catch (error) {
    await cp.stop();
    throw error;
  }
  return async () => {
    const stopping = Date.now();
    await cp?.stop();
    process.stdout.write(`chart tests: control plane stopped in ${((Date.now() - stopping) / 1000).toFixed(1)} s\n`);
    cp = undefined;
  };
}
