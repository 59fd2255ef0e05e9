// Running the chart's rendered Deployment with `podman kube play` (podman 4.3 here), with the few
// translations podman needs to stand in for a kubelet, each one explained. Nothing else in the
// rendered pod is changed: security contexts, volumes, mounts, env, args and the config are as
// rendered.
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'yaml';

import type { K8sObject, Loose } from './render.js';

/**
 * A Secret volume laid out exactly as the kubelet lays it out for a non-root pod: each key a
 * symlink to `..data/<key>`, `..data` a symlink to a timestamped directory that an update replaces
 * with one atomic rename; files owned by root with group fsGroup and mode 0440.
 */
export class KubeletSecretDir {
  readonly dir: string;
  private version = 0;
  constructor(
    private readonly gid: number,
    data: Record<string, string>,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'ispw-mcp-chart-secret-'));
    chmodSync(this.dir, 0o755);
    this.update(data);
  }

  update(data: Record<string, string>): void {
    const name = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${++this.version}`;
    const versioned = join(this.dir, name);
    mkdirSync(versioned);
    chmodSync(versioned, 0o755);
    for (const [key, value] of Object.entries(data)) {
      const file = join(versioned, key);
      writeFileSync(file, value);
      chownSync(file, 0, this.gid);
      chmodSync(file, 0o440);
    }
    const dataLink = join(this.dir, '..data');
    const previous = existsSync(dataLink) ? readlinkSync(dataLink) : undefined;
    symlinkSync(name, join(this.dir, '..data_tmp'));
    renameSync(join(this.dir, '..data_tmp'), dataLink);
    for (const key of Object.keys(data)) if (!existsSync(join(this.dir, key))) symlinkSync(join('..data', key), join(this.dir, key));
    if (previous) rmSync(join(this.dir, previous), { recursive: true, force: true });
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The rendered Deployment and ConfigMaps as podman 4.3 can play them:
 * - Secret volumes become hostPath mounts of kubelet-style directories (podman 4.3 mounts a Secret's
 *   `data` still base64-encoded, ignores `stringData`, and never updates a mounted Secret, so it can
 *   show neither the files nor their rotation);
 * - the seccomp profile of the pod's securityContext is repeated as podman's annotation (podman 4.3
 *   reads only `seccomp.security.alpha.kubernetes.io/pod`), resolved under --seccomp-profile-root;
 * - probes are left out (podman turns an httpGet probe into `curl` inside the container, which a
 *   shell-less image does not have, and restarts the pod when it fails); the test asks /livez and
 *   /readyz itself, as the kubelet would;
 * - fsGroup is not applied by podman; the rendered runAsGroup (= fsGroup) gives the same access.
 */
export function podmanManifest(objects: readonly K8sObject[], secretDirs: ReadonlyMap<string, string>): string {
  const keep = objects.filter((o) => o.kind === 'ConfigMap' || o.kind === 'Deployment').map((o) => structuredClone(o));
  const deployment = keep.find((o) => o.kind === 'Deployment');
  if (!deployment) throw new Error('the render has no Deployment');
  const spec: Loose = deployment.spec.template.spec;
  for (const volume of spec.volumes as Loose[]) {
    if (!volume.secret) continue;
    const dir = secretDirs.get(volume.secret.secretName);
    if (!dir) throw new Error(`no kubelet-style directory for Secret ${volume.secret.secretName}`);
    delete volume.secret;
    volume.hostPath = { path: dir, type: 'Directory' };
  }
  const seccomp = spec.securityContext.seccompProfile;
  const annotation = seccomp.type === 'Localhost' ? `localhost/${seccomp.localhostProfile}` : 'runtime/default';
  deployment.spec.template.metadata.annotations = { ...deployment.spec.template.metadata.annotations, 'seccomp.security.alpha.kubernetes.io/pod': annotation };
  for (const container of spec.containers as Loose[]) {
    delete container.startupProbe;
    delete container.livenessProbe;
    delete container.readinessProbe;
  }
  return keep.map((o) => stringify(o)).join('---\n');
}

/** containers.conf for these runs: runc and ulimits this host can grant (see scripts/image/lib.sh). */
export function containersConf(dir: string): string {
  const file = join(dir, 'containers.conf');
  const [nofile, nproc] = ['nofile=4096:4096', 'nproc=4096:4096'];
  writeFileSync(file, `[containers]\ndefault_ulimits = ["${nofile}", "${nproc}"]\n[engine]\nruntime = "${process.env.PODMAN_RUNTIME ?? 'runc'}"\n`);
  return file;
}
