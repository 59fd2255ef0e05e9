{{/*
Names, labels and the facts several templates derive from values. Every helper takes the chart's
root context, so a parent chart can call them with `(index .Subcharts "ispw-mcp")`.
*/}}

{{- define "ispw-mcp.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ispw-mcp.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A name derived from the full name: (list $ "suffix"). Kept within 63 characters. */}}
{{- define "ispw-mcp.child" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "ispw-mcp.fullname" $root | trunc (int (sub 62 (len (index . 1)))) | trimSuffix "-") (index . 1) -}}
{{- end -}}

{{- define "ispw-mcp.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "ispw-mcp.selectorLabels" -}}
app.kubernetes.io/name: {{ include "ispw-mcp.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "ispw-mcp.labels" -}}
helm.sh/chart: {{ include "ispw-mcp.chart" . }}
{{ include "ispw-mcp.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: ispw-mcp
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The pods' own labels: the selector labels plus the component (server or agent). */}}
{{- define "ispw-mcp.podLabels" -}}
{{ include "ispw-mcp.labels" . }}
app.kubernetes.io/component: {{ ternary "server" "agent" (eq .Values.topology "service") }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "ispw-mcp.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "ispw-mcp.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "ispw-mcp.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{/* "true" when the pods run under OpenShift's SCCs (value, or OpenShift's APIs when auto). */}}
{{- define "ispw-mcp.openshift" -}}
{{- if eq (toString .Values.openshift) "auto" -}}
{{- or (.Capabilities.APIVersions.Has "security.openshift.io/v1") (.Capabilities.APIVersions.Has "route.openshift.io/v1") -}}
{{- else -}}
{{- toString .Values.openshift -}}
{{- end -}}
{{- end -}}

{{/* Replicas that may run at once: the HPA's minimum, or replicaCount. */}}
{{- define "ispw-mcp.minReplicas" -}}
{{- if .Values.autoscaling.enabled -}}{{ .Values.autoscaling.minReplicas }}{{- else -}}{{ .Values.replicaCount }}{{- end -}}
{{- end -}}

{{/*
terminationGracePeriodSeconds, derived: preStop sleep + server grace + exit margin + headroom. The
sidecar has no preStop sleep: nothing routes traffic to it, and a Job should not wait for one.
*/}}
{{- define "ispw-mcp.terminationGracePeriodSeconds" -}}
{{- $preStop := ternary .Values.shutdown.preStopSleepSeconds 0 (eq .Values.topology "service") -}}
{{- with .Values.shutdown -}}
{{- add $preStop .graceSeconds .exitMarginSeconds .headroomSeconds -}}
{{- end -}}
{{- end -}}

{{/* Host name and port of a URL: (list "https://h:1234" defaultPort) → dict host, port. */}}
{{- define "ispw-mcp.urlHostPort" -}}
{{- $u := urlParse (index . 0) -}}
{{- $parts := splitList ":" $u.host -}}
{{- $port := index . 1 -}}
{{- if gt (len $parts) 1 -}}{{- $port = last $parts -}}{{- end -}}
{{- toJson (dict "host" (first $parts) "port" (int $port) "scheme" $u.scheme) -}}
{{- end -}}

{{/* Where the server secret comes from: existing, externalSecret, csi or inline (or none). */}}
{{- define "ispw-mcp.secretSource" -}}
{{- with .Values.secrets -}}
{{- if .existingSecret -}}existing
{{- else if .externalSecret.enabled -}}externalSecret
{{- else if or .csi.existingSecretProviderClass .csi.provider -}}csi
{{- else if .inline -}}inline
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Name of the Kubernetes Secret mounted as the server secret (not for csi). */}}
{{- define "ispw-mcp.secretName" -}}
{{- default (include "ispw-mcp.child" (list . "secrets")) .Values.secrets.existingSecret -}}
{{- end -}}

{{- define "ispw-mcp.userTokensSource" -}}
{{- with .Values.identity.userTokens -}}
{{- if .existingSecret -}}existing
{{- else if .externalSecret.enabled -}}externalSecret
{{- else if .csi.secretProviderClass -}}csi
{{- end -}}
{{- end -}}
{{- end -}}

{{/* True when the listener needs a certificate (TLS on). */}}
{{- define "ispw-mcp.listenerTlsSecret" -}}
{{- if .Values.listener.tls.existingSecret -}}
{{- .Values.listener.tls.existingSecret -}}
{{- else -}}
{{- include "ispw-mcp.child" (list . "listener-tls") -}}
{{- end -}}
{{- end -}}

{{/* The Service's cluster DNS names (allowed Host names and certificate names). */}}
{{- define "ispw-mcp.serviceHostnames" -}}
{{- $svc := include "ispw-mcp.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- toJson (list $svc (printf "%s.%s" $svc $ns) (printf "%s.%s.svc" $svc $ns) (printf "%s.%s.svc.cluster.local" $svc $ns)) -}}
{{- end -}}

{{/* The pods the NetworkPolicies select: the server's, or the agent pods around the sidecar. */}}
{{- define "ispw-mcp.networkPolicyPodSelector" -}}
{{- if or (eq .Values.topology "service") .Values.sidecar.workload.create -}}
matchLabels:
  {{- include "ispw-mcp.selectorLabels" . | nindent 2 }}
{{- else -}}
{{ toYaml .Values.sidecar.podSelector }}
{{- end -}}
{{- end -}}

{{/* "true" when CES may call the server back (config.wait.callbackUrl): the edge routes /ces-events/ too. */}}
{{- define "ispw-mcp.cesCallbacks" -}}
{{- if ((.Values.config).wait).callbackUrl -}}true{{- end -}}
{{- end -}}
