{{/* Pod spec fields both topologies share. */}}

{{- define "ispw-mcp.topologySpreadConstraints" -}}
{{- if .Values.topologySpreadConstraints -}}
{{ toYaml .Values.topologySpreadConstraints }}
{{- else -}}
{{- range $key, $on := dict "topology.kubernetes.io/zone" .Values.topologySpread.zones "kubernetes.io/hostname" .Values.topologySpread.nodes }}
{{- if $on }}
- maxSkew: 1
  topologyKey: {{ $key }}
  whenUnsatisfiable: {{ $.Values.topologySpread.whenUnsatisfiable }}
  labelSelector:
    matchLabels:
      {{- include "ispw-mcp.selectorLabels" $ | nindent 6 }}
  # Only pods of the same rollout count, so an update does not skew the spread.
  matchLabelKeys:
    - pod-template-hash
{{- end }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Scheduling, identity and the security context of a pod (not the containers). */}}
{{- define "ispw-mcp.podSpecCommon" -}}
serviceAccountName: {{ include "ispw-mcp.serviceAccountName" . }}
# The server never calls the Kubernetes API: no token in the pod, unless rbac.create asks for one.
automountServiceAccountToken: {{ .Values.rbac.create }}
enableServiceLinks: false
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
terminationGracePeriodSeconds: {{ include "ispw-mcp.terminationGracePeriodSeconds" . }}
securityContext:
  {{- include "ispw-mcp.podSecurityContext" . | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
