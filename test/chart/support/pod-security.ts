// The Pod Security `restricted` rules (and the read-only root filesystem the standard leaves out)
// as a function over rendered objects, so a test can show it finds violations as well as their
// absence. The API server's PodSecurity admission checks the same pods in apiserver.test.ts.
import { type K8sObject, type Loose, podSpecOf, WORKLOAD_KINDS } from './render.js';

// Volume types Pod Security restricted allows.
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

export interface Expectations {
  /** OpenShift renders leave UID, GID and fsGroup to the SCC; others pin 65532. */
  openshift: boolean;
}

/** Every breach of restricted (and of our own additions) in the workloads of a render. */
export function restrictedViolations(objects: readonly K8sObject[], expect: Expectations): string[] {
  const violations: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) violations.push(what);
  };
  for (const workload of objects.filter((o) => WORKLOAD_KINDS.has(o.kind))) {
    const spec = podSpecOf(workload);
    const where = `${workload.kind}/${workload.metadata.name}`;
    const pod = spec.securityContext ?? {};
    check(pod.runAsNonRoot === true, `${where}: runAsNonRoot is not true`);
    check(['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile?.type), `${where}: seccompProfile is not RuntimeDefault or Localhost`);
    check(pod.appArmorProfile?.type !== 'Unconfined', `${where}: AppArmor is Unconfined`);
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) check(spec[field] !== true, `${where}: ${field}`);
    check(spec.automountServiceAccountToken === false, `${where}: the ServiceAccount token is mounted`);
    for (const volume of spec.volumes ?? []) {
      const type = Object.keys(volume).find((k) => k !== 'name')!;
      check(RESTRICTED_VOLUMES.has(type), `${where}: volume ${volume.name} is a ${type}`);
    }
    if (expect.openshift) {
      for (const field of ['runAsUser', 'runAsGroup', 'fsGroup']) check(!(field in pod), `${where}: ${field} is fixed on OpenShift`);
    } else {
      check(pod.runAsUser === 65532 && pod.runAsGroup === 65532 && pod.fsGroup === 65532, `${where}: not uid/gid/fsGroup 65532`);
    }
    const containers: Loose[] = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    for (const container of containers) {
      const sc = container.securityContext ?? {};
      const at = `${where} container ${container.name}`;
      check(sc.allowPrivilegeEscalation === false, `${at}: allowPrivilegeEscalation is not false`);
      check(sc.readOnlyRootFilesystem === true, `${at}: root filesystem is writable`);
      check(sc.privileged !== true, `${at}: privileged`);
      check(JSON.stringify(sc.capabilities?.drop) === '["ALL"]', `${at}: capabilities not dropped`);
      check((sc.capabilities?.add ?? []).length === 0, `${at}: adds capabilities`);
      check(sc.runAsUser !== 0 && sc.runAsNonRoot !== false, `${at}: runs as root`);
      check(!['Unconfined'].includes(sc.seccompProfile?.type), `${at}: seccomp Unconfined`);
      for (const port of container.ports ?? []) check(port.hostPort === undefined, `${at}: hostPort`);
      if (expect.openshift) check(!('runAsUser' in sc), `${at}: runAsUser is fixed on OpenShift`);
    }
  }
  return violations;
}
