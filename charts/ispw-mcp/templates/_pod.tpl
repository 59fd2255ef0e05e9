{{/*
The pod pieces both topologies share: security contexts (Pod Security `restricted`), the server
container, its volumes and mounts, and the checksum annotations that roll the pods when the
configuration changes. Secrets are mounted as directories with mode 0440 and group fsGroup: the
layout the server's prod profile accepts for private keys, and the one the kubelet updates in place.
*/}}

{{- define "ispw-mcp.seccompProfile" -}}
type: {{ .Values.seccompProfile.type }}
{{- if eq .Values.seccompProfile.type "Localhost" }}
localhostProfile: {{ .Values.seccompProfile.localhostProfile }}
{{- end }}
{{- end -}}

{{- define "ispw-mcp.podSecurityContext" -}}
runAsNonRoot: true
{{- if ne (include "ispw-mcp.openshift" .) "true" }}
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
fsGroup: {{ .Values.podSecurityContext.fsGroup }}
{{- if .Values.appArmorProfile.type }}
appArmorProfile:
  type: {{ .Values.appArmorProfile.type }}
  {{- if eq .Values.appArmorProfile.type "Localhost" }}
  localhostProfile: {{ .Values.appArmorProfile.localhostProfile }}
  {{- end }}
{{- end }}
{{- end }}
fsGroupChangePolicy: {{ .Values.podSecurityContext.fsGroupChangePolicy }}
seccompProfile:
  {{- include "ispw-mcp.seccompProfile" . | nindent 2 }}
{{- end -}}

{{/* The restricted container security context; also filled into agent containers. */}}
{{- define "ispw-mcp.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
runAsNonRoot: true
capabilities:
  drop:
    - ALL
seccompProfile:
  {{- include "ispw-mcp.seccompProfile" . | nindent 2 }}
{{- end -}}

{{/* The server's own security context: the restricted one plus its fixed UID/GID (not on OpenShift). */}}
{{- define "ispw-mcp.serverSecurityContext" -}}
{{ include "ispw-mcp.containerSecurityContext" . }}
{{- if ne (include "ispw-mcp.openshift" .) "true" }}
runAsUser: {{ .Values.podSecurityContext.runAsUser }}
runAsGroup: {{ .Values.podSecurityContext.runAsGroup }}
{{- end }}
{{- end -}}

{{- define "ispw-mcp.podAnnotations" -}}
checksum/config: {{ include "ispw-mcp.config" . | sha256sum }}
{{- if eq (include "ispw-mcp.secretSource" .) "inline" }}
checksum/secret: {{ toJson .Values.secrets.inline | sha256sum }}
{{- end }}
{{- with .Values.podAnnotations }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* An exec probe running the image's own healthcheck (no shell, no curl in the image). */}}
{{- define "ispw-mcp.execProbe" -}}
exec:
  command:
    - /nodejs/bin/node
    - /app/dist/src/main.js
    - healthcheck
    - --url
    - {{ printf "http://127.0.0.1:%d%s" (int (index . 1)) (index . 0) }}
    # Half a second less than the probe's timeout, so the command answers before the kubelet gives up.
    - --timeout-ms
    - {{ sub (mul (index . 2) 1000) 500 | quote }}
{{- end -}}

{{/* Probe handler for a path: httpGet on the metrics port (topology B) or exec (topology A). */}}
{{- define "ispw-mcp.probeHandler" -}}
{{- $root := index . 0 -}}
{{- $path := index . 1 -}}
{{- $timeout := index . 2 -}}
{{- if eq $root.Values.topology "sidecar" -}}
{{ include "ispw-mcp.execProbe" (list $path $root.Values.sidecar.port $timeout) }}
{{- else if $root.Values.metrics.enabled -}}
httpGet:
  path: {{ $path }}
  port: metrics
{{- else -}}
httpGet:
  path: {{ $path }}
  port: http
  scheme: {{ ternary "HTTPS" "HTTP" $root.Values.listener.tls.enabled }}
{{- end -}}
{{- end -}}

{{- define "ispw-mcp.container" -}}
{{- $p := include "ispw-mcp.paths" . | fromJson -}}
{{- $service := eq .Values.topology "service" -}}
name: ispw-mcp
image: {{ include "ispw-mcp.image" . | quote }}
imagePullPolicy: {{ .Values.image.pullPolicy }}
args:
  - serve
env:
  - name: ISPW_MCP_CONFIG
    value: {{ $p.configFile }}
  - name: POD_NAME
    valueFrom:
      fieldRef:
        fieldPath: metadata.name
  {{- if ne .Values.audit.storage "stderr" }}
  # One file per pod: replicas sharing a volume never interleave their hash chains.
  - name: ISPW_MCP_AUDIT_FILE
    value: {{ printf "%s/$(POD_NAME).jsonl" $p.auditDir }}
  {{- end }}
  {{- with .Values.tracing }}
  {{- if .otlpEndpoint }}
  - name: OTEL_TRACES_EXPORTER
    value: otlp
  - name: OTEL_EXPORTER_OTLP_ENDPOINT
    value: {{ .otlpEndpoint | quote }}
  - name: OTEL_EXPORTER_OTLP_PROTOCOL
    value: {{ .protocol | quote }}
  - name: OTEL_TRACES_SAMPLER
    value: {{ .sampler | quote }}
  - name: OTEL_TRACES_SAMPLER_ARG
    value: {{ .samplerArg | quote }}
  - name: OTEL_SERVICE_NAME
    value: ispw-mcp
  - name: OTEL_RESOURCE_ATTRIBUTES
    value: {{ printf "k8s.namespace.name=%s,k8s.pod.name=$(POD_NAME)" $.Release.Namespace | quote }}
  {{- end }}
  {{- end }}
  {{- with .Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- if $service }}
ports:
  - name: http
    containerPort: {{ .Values.http.port }}
    protocol: TCP
  {{- if .Values.metrics.enabled }}
  - name: metrics
    containerPort: {{ .Values.metrics.port }}
    protocol: TCP
  {{- end }}
{{- end }}
startupProbe:
  {{- include "ispw-mcp.probeHandler" (list . "/livez" 2) | nindent 2 }}
  periodSeconds: {{ .Values.probes.startup.periodSeconds }}
  timeoutSeconds: 2
  failureThreshold: {{ .Values.probes.startup.failureThreshold }}
livenessProbe:
  {{- include "ispw-mcp.probeHandler" (list . "/livez" .Values.probes.liveness.timeoutSeconds) | nindent 2 }}
  periodSeconds: {{ .Values.probes.liveness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.liveness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.liveness.failureThreshold }}
readinessProbe:
  {{- include "ispw-mcp.probeHandler" (list . "/readyz" .Values.probes.readiness.timeoutSeconds) | nindent 2 }}
  periodSeconds: {{ .Values.probes.readiness.periodSeconds }}
  timeoutSeconds: {{ .Values.probes.readiness.timeoutSeconds }}
  failureThreshold: {{ .Values.probes.readiness.failureThreshold }}
{{- if $service }}
lifecycle:
  # Endpoints and load balancers stop sending new requests before SIGTERM (no shell needed).
  preStop:
    sleep:
      seconds: {{ .Values.shutdown.preStopSleepSeconds }}
{{- end }}
{{- with .Values.resources }}
resources:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- include "ispw-mcp.serverSecurityContext" . | nindent 2 }}
volumeMounts:
  {{- include "ispw-mcp.volumeMounts" . | nindent 2 }}
{{- end -}}

{{- define "ispw-mcp.volumeMounts" -}}
{{- $p := include "ispw-mcp.paths" . | fromJson -}}
- name: ispw-mcp-config
  mountPath: {{ $p.configDir }}
  readOnly: true
{{- if .Values.access.policy }}
- name: ispw-mcp-policy
  mountPath: {{ $p.policyDir }}
  readOnly: true
{{- end }}
{{- if include "ispw-mcp.secretSource" . }}
- name: ispw-mcp-secrets
  mountPath: {{ $p.secretDir }}
  readOnly: true
{{- end }}
{{- range .Values.ces.instances }}
{{- if .caBundle }}
- name: {{ printf "ispw-mcp-ca-%s" .name | trunc 63 }}
  mountPath: {{ printf "%s/%s" $p.caDir .name }}
  readOnly: true
{{- end }}
{{- if and .clientCertificate (or .clientCertificate.existingSecret (and .clientCertificate.certManager .clientCertificate.certManager.enabled)) }}
- name: {{ printf "ispw-mcp-client-%s" .name | trunc 63 }}
  mountPath: {{ printf "%s/%s" $p.cesClientDir .name }}
  readOnly: true
{{- end }}
{{- end }}
{{- if include "ispw-mcp.userTokensSource" . }}
- name: ispw-mcp-users
  mountPath: {{ $p.userTokenDir }}
  readOnly: true
{{- end }}
{{- if and (eq .Values.topology "service") .Values.listener.tls.enabled }}
- name: ispw-mcp-listener-tls
  mountPath: {{ $p.listenerDir }}
  readOnly: true
{{- if eq (include "ispw-mcp.mtls" .) "true" }}
- name: ispw-mcp-client-ca
  mountPath: {{ $p.clientCaDir }}
  readOnly: true
{{- end }}
{{- end }}
{{- if ne .Values.audit.storage "stderr" }}
- name: ispw-mcp-audit
  mountPath: {{ $p.auditDir }}
{{- end }}
{{- with .Values.extraVolumeMounts }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ispw-mcp.volumes" -}}
- name: ispw-mcp-config
  configMap:
    name: {{ include "ispw-mcp.child" (list . "config") }}
{{- if .Values.access.policy }}
- name: ispw-mcp-policy
  configMap:
    name: {{ include "ispw-mcp.child" (list . "policy") }}
{{- end }}
{{- $source := include "ispw-mcp.secretSource" . }}
{{- if eq $source "csi" }}
- name: ispw-mcp-secrets
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ default (include "ispw-mcp.child" (list . "secrets")) .Values.secrets.csi.existingSecretProviderClass }}
{{- else if $source }}
- name: ispw-mcp-secrets
  secret:
    secretName: {{ include "ispw-mcp.secretName" . }}
    defaultMode: 288 # 0440 (decimal, so YAML 1.1 and 1.2 parsers agree): root:fsGroup, read-only
{{- end }}
{{- range $instance := .Values.ces.instances }}
{{- with $instance.caBundle }}
- name: {{ printf "ispw-mcp-ca-%s" $instance.name | trunc 63 }}
  configMap:
    name: {{ default (include "ispw-mcp.child" (list $ (printf "ca-%s" $instance.name))) .configMap }}
{{- end }}
{{- with $instance.clientCertificate }}
{{- if or .existingSecret (and .certManager .certManager.enabled) }}
- name: {{ printf "ispw-mcp-client-%s" $instance.name | trunc 63 }}
  secret:
    secretName: {{ default (include "ispw-mcp.child" (list $ (printf "ces-%s-client" $instance.name))) .existingSecret }}
    defaultMode: 288 # 0440 (decimal, so YAML 1.1 and 1.2 parsers agree): root:fsGroup, read-only
{{- end }}
{{- end }}
{{- end }}
{{- $users := include "ispw-mcp.userTokensSource" . }}
{{- if eq $users "csi" }}
- name: ispw-mcp-users
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ .Values.identity.userTokens.csi.secretProviderClass }}
{{- else if $users }}
- name: ispw-mcp-users
  secret:
    secretName: {{ default (include "ispw-mcp.child" (list . "users")) .Values.identity.userTokens.existingSecret }}
    defaultMode: 288 # 0440 (decimal, so YAML 1.1 and 1.2 parsers agree): root:fsGroup, read-only
{{- end }}
{{- if and (eq .Values.topology "service") .Values.listener.tls.enabled }}
- name: ispw-mcp-listener-tls
  secret:
    secretName: {{ include "ispw-mcp.listenerTlsSecret" . }}
    defaultMode: 288 # 0440 (decimal, so YAML 1.1 and 1.2 parsers agree): root:fsGroup, read-only
{{- with .Values.listener.tls.clientCa }}
{{- if .configMapName }}
- name: ispw-mcp-client-ca
  configMap:
    name: {{ .configMapName }}
{{- else if .secretName }}
- name: ispw-mcp-client-ca
  secret:
    secretName: {{ .secretName }}
    defaultMode: 288 # 0440 (decimal, so YAML 1.1 and 1.2 parsers agree): root:fsGroup, read-only
{{- end }}
{{- end }}
{{- end }}
{{- if eq .Values.audit.storage "emptyDir" }}
# The only place the server writes: its audit file (docs/kubernetes.md).
- name: ispw-mcp-audit
  emptyDir:
    sizeLimit: {{ .Values.audit.sizeLimit }}
{{- else if eq .Values.audit.storage "persistentVolumeClaim" }}
- name: ispw-mcp-audit
  persistentVolumeClaim:
    claimName: {{ .Values.audit.existingClaim }}
{{- end }}
{{- with .Values.extraVolumes }}
{{ toYaml . }}
{{- end }}
{{- end -}}
