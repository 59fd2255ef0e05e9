{{/*
Topology A: the server as a native sidecar (an init container with restartPolicy: Always) of an
agent pod, on 127.0.0.1 only. These templates are the chart's public interface for agent charts
that add ispw-mcp as a dependency (with sidecar.workload.create=false) and build their own pods:

  initContainers:
    {{- include "ispw-mcp.sidecar.initContainer" (index .Subcharts "ispw-mcp") | nindent 8 }}
  volumes:
    {{- include "ispw-mcp.sidecar.volumes" (index .Subcharts "ispw-mcp") | nindent 8 }}

plus "ispw-mcp.podSecurityContext" for the pod, "ispw-mcp.podAnnotations" for the checksum that
rolls the pods when the configuration changes, and "ispw-mcp.sidecar.agentEnv" for the agents.
*/}}

{{- define "ispw-mcp.sidecar.initContainer" -}}
- {{ include "ispw-mcp.container" . | nindent 2 | trim }}
  # A native sidecar: started before the agent containers (once its startup probe passes), kept
  # running beside them, stopped after them; a Job completes when its agents finish.
  restartPolicy: Always
{{- end -}}

{{- define "ispw-mcp.sidecar.volumes" -}}
{{ include "ispw-mcp.volumes" . }}
{{- end -}}

{{/* Environment of agent containers: where the MCP server answers. */}}
{{- define "ispw-mcp.sidecar.agentEnv" -}}
- name: ISPW_MCP_URL
  value: {{ printf "http://127.0.0.1:%d/mcp" (int .Values.sidecar.port) | quote }}
{{- end -}}

{{/* An agent container with the restricted security context filled in where it says nothing. */}}
{{- define "ispw-mcp.sidecar.agentContainer" -}}
{{- $root := index . 0 -}}
{{- $container := deepCopy (index . 1) -}}
{{- $restricted := include "ispw-mcp.containerSecurityContext" $root | fromYaml -}}
{{- $_ := set $container "securityContext" (merge (default dict $container.securityContext) $restricted) -}}
{{- $_ := set $container "env" (concat (include "ispw-mcp.sidecar.agentEnv" $root | fromYamlArray) (default list $container.env)) -}}
- {{ toYaml $container | nindent 2 | trim }}
{{- end -}}

{{- define "ispw-mcp.sidecar.podTemplate" -}}
{{- $root := index . 0 -}}
{{- $restartPolicy := index . 1 -}}
metadata:
  labels:
    {{- include "ispw-mcp.podLabels" $root | nindent 4 }}
  annotations:
    {{- include "ispw-mcp.podAnnotations" $root | nindent 4 }}
spec:
  {{- include "ispw-mcp.podSpecCommon" $root | nindent 2 }}
  restartPolicy: {{ $restartPolicy }}
  initContainers:
    {{- include "ispw-mcp.sidecar.initContainer" $root | nindent 4 }}
  containers:
    {{- range $root.Values.sidecar.workload.containers }}
    {{- include "ispw-mcp.sidecar.agentContainer" (list $root .) | nindent 4 }}
    {{- end }}
    {{- with $root.Values.extraContainers }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  volumes:
    {{- include "ispw-mcp.sidecar.volumes" $root | nindent 4 }}
    {{- with $root.Values.sidecar.workload.volumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
