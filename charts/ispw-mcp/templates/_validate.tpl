{{/*
Checks the schema cannot express (they span several values or need the cluster's APIs). Each
message names the values to change. values.schema.json refuses what it can on its own: unknown
keys, types, enums, ranges, inline secrets outside dev, stateful sessions with several replicas.
*/}}
{{- define "ispw-mcp.validate" -}}
{{- $service := eq .Values.topology "service" -}}
{{- if not .Values.ces.instances -}}
{{- fail "ces.instances: list at least one CES instance (name, url, srids); see values.yaml and docs/kubernetes.md" -}}
{{- end -}}
{{- $names := list -}}
{{- range .Values.ces.instances -}}
{{- if has .name $names -}}{{- fail (printf "ces.instances: the name %q is used twice" .name) -}}{{- end -}}
{{- $names = append $names .name -}}
{{- if and $.Values.networkPolicy.enabled (not .cidrs) (not $.Values.networkPolicy.cilium.enabled) -}}
{{- fail (printf "ces.instances[%s].cidrs: list the addresses of this CES endpoint (CES runs outside the cluster, and the NetworkPolicy allows egress only there), enable networkPolicy.cilium to allow it by host name, or set networkPolicy.enabled=false" .name) -}}
{{- end -}}
{{- $instance := . -}}
{{- with .clientCertificate -}}
{{- if and .existingSecret .certManager .certManager.enabled -}}
{{- fail (printf "ces.instances[%s].clientCertificate: choose existingSecret or certManager, not both" $instance.name) -}}
{{- end -}}
{{- if and .certManager .certManager.enabled (not .certManager.issuerRef) -}}
{{- fail (printf "ces.instances[%s].clientCertificate.certManager.issuerRef: name the cert-manager issuer of the CES client certificate" $instance.name) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if and .Values.ces.defaultInstance (not (has .Values.ces.defaultInstance $names)) -}}
{{- fail (printf "ces.defaultInstance: %q is not one of ces.instances (%s)" .Values.ces.defaultInstance (join ", " $names)) -}}
{{- end -}}
{{- $sources := list -}}
{{- with .Values.secrets -}}
{{- if .existingSecret -}}{{- $sources = append $sources "existingSecret" -}}{{- end -}}
{{- if .externalSecret.enabled -}}{{- $sources = append $sources "externalSecret" -}}{{- end -}}
{{- if or .csi.existingSecretProviderClass .csi.provider -}}{{- $sources = append $sources "csi" -}}{{- end -}}
{{- if .inline -}}{{- $sources = append $sources "inline" -}}{{- end -}}
{{- end -}}
{{- if gt (len $sources) 1 -}}
{{- fail (printf "secrets: choose one source of the server secret, not %s" (join " and " $sources)) -}}
{{- end -}}
{{- if not $sources -}}
{{- fail "secrets: the CES tokens need a source: secrets.existingSecret, secrets.externalSecret, secrets.csi (or, in dev only, secrets.inline)" -}}
{{- end -}}
{{- if and (eq (include "ispw-mcp.secretSource" .) "externalSecret") (not .Values.secrets.externalSecret.secretStoreRef.name) -}}
{{- fail "secrets.externalSecret.secretStoreRef.name: name the SecretStore or ClusterSecretStore the ExternalSecret reads from" -}}
{{- end -}}
{{- if and (eq .Values.identity.mode "per-user") (not (include "ispw-mcp.userTokensSource" .)) -}}
{{- fail "identity.userTokens: per-user mode needs the token directory: existingSecret, externalSecret or csi" -}}
{{- end -}}
{{- $owned := list "profile" "transport" "ces" "metrics" -}}
{{- range $owned -}}
{{- if hasKey $.Values.config . -}}{{- fail (printf "config.%s: the chart sets this itself; use the chart's values (values.yaml) instead" .) -}}{{- end -}}
{{- end -}}
{{- range $section, $keys := dict "http" (list "host" "port") "auth" (list "tls") "audit" (list "file") "identity" (list "userTokenDir") "access" (list "policyFile" "confirmKeyFile") -}}
{{- range $keys -}}
{{- if and (hasKey $.Values.config $section) (hasKey (index $.Values.config $section) .) -}}
{{- fail (printf "config.%s.%s: the chart sets this itself; use the chart's values (values.yaml) instead" $section .) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $replicas := int (include "ispw-mcp.minReplicas" .) -}}
{{- if and $service (eq (include "ispw-mcp.policyConfirms" .) "true") (or (gt $replicas 1) .Values.autoscaling.enabled) (not .Values.secrets.confirmKey) -}}
{{- fail "secrets.confirmKey: the policy asks for confirmations and several replicas run; a token signed by one replica is refused by the others unless all share the key: put a random key of 32 bytes or more in the server secret and name its key here" -}}
{{- end -}}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) -}}
{{- fail (printf "autoscaling.maxReplicas (%d) is below autoscaling.minReplicas (%d)" (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) -}}
{{- end -}}
{{- if and (eq .Values.audit.storage "persistentVolumeClaim") (not .Values.audit.existingClaim) -}}
{{- fail "audit.existingClaim: name the PersistentVolumeClaim that holds the audit files" -}}
{{- end -}}
{{- if $service -}}
{{- $oauth := and .Values.auth.oauth.issuer .Values.auth.oauth.audience -}}
{{- $mtls := eq (include "ispw-mcp.mtls" .) "true" -}}
{{- $open := and .Values.config.auth .Values.config.auth.allowUnauthenticated -}}
{{- if not (or $oauth $mtls $open) -}}
{{- fail "The service topology listens on the pod network: authenticate callers with OAuth (auth.oauth.issuer and auth.oauth.audience) or mutual TLS (listener.tls and listener.tls.clientCa)" -}}
{{- end -}}
{{- if and .Values.auth.oauth.issuer (not .Values.auth.oauth.audience) -}}
{{- fail "auth.oauth.audience: set this server's canonical MCP URL (https://<host>/mcp); tokens must name it" -}}
{{- end -}}
{{- if .Values.listener.tls.enabled -}}
{{- if and .Values.listener.tls.existingSecret .Values.listener.tls.certManager.enabled -}}
{{- fail "listener.tls: choose existingSecret or certManager, not both" -}}
{{- end -}}
{{- if not (or .Values.listener.tls.existingSecret .Values.listener.tls.certManager.enabled) -}}
{{- fail "listener.tls: the listener certificate needs a source: listener.tls.existingSecret or listener.tls.certManager" -}}
{{- end -}}
{{- if and .Values.listener.tls.certManager.enabled (not .Values.listener.tls.certManager.issuerRef.name) -}}
{{- fail "listener.tls.certManager.issuerRef.name: name the cert-manager Issuer or ClusterIssuer" -}}
{{- end -}}
{{- end -}}
{{- if and $mtls (not .Values.metrics.enabled) -}}
{{- fail "metrics.enabled: keep the metrics port when the listener requires client certificates; the kubelet's probes cannot present one" -}}
{{- end -}}
{{- if and .Values.ingress.enabled (not .Values.ingress.host) -}}
{{- fail "ingress.host: set the host name clients use" -}}
{{- end -}}
{{- if and .Values.ingress.enabled .Values.ingress.clientCertificate.enabled (not .Values.ingress.clientCertificate.caSecret) -}}
{{- fail "ingress.clientCertificate.caSecret: name the Secret (namespace/name) with the CA of client certificates" -}}
{{- end -}}
{{- if and .Values.gateway.httpRoute.enabled (not .Values.gateway.httpRoute.parentRefs) -}}
{{- fail "gateway.httpRoute.parentRefs: name the Gateway the route attaches to" -}}
{{- end -}}
{{- if and .Values.gateway.backendTlsPolicy.enabled (not .Values.listener.tls.enabled) -}}
{{- fail "gateway.backendTlsPolicy: the gateway can speak TLS to the pod only when listener.tls.enabled" -}}
{{- end -}}
{{- else -}}
{{- if and .Values.sidecar.workload.create (not .Values.sidecar.workload.containers) -}}
{{- fail "sidecar.workload.containers: list the agent container(s) the server runs beside" -}}
{{- end -}}
{{- if and (not .Values.sidecar.workload.create) .Values.networkPolicy.enabled (not .Values.sidecar.podSelector) -}}
{{- fail "sidecar.podSelector: give the labels of your agent pods, so the NetworkPolicy selects them (or set networkPolicy.enabled=false)" -}}
{{- end -}}
{{- end -}}
{{- end -}}
