{{/*
The server's configuration file (ispw-mcp.yaml, docs/configuration.md), generated from the values:
every secret is a file under /var/run/secrets/ispw-mcp, mounted as a directory so the kubelet's
`..data` swap reaches the server (which watches the directories), never subPath.
*/}}

{{- define "ispw-mcp.paths" -}}
{{- toJson (dict
  "configDir" "/etc/ispw-mcp/config"
  "configFile" "/etc/ispw-mcp/config/ispw-mcp.yaml"
  "policyDir" "/etc/ispw-mcp/policy"
  "policyFile" "/etc/ispw-mcp/policy/policy.yaml"
  "caDir" "/etc/ispw-mcp/ca"
  "clientCaDir" "/etc/ispw-mcp/client-ca"
  "secretDir" "/var/run/secrets/ispw-mcp/server"
  "cesClientDir" "/var/run/secrets/ispw-mcp/ces-client"
  "userTokenDir" "/var/run/secrets/ispw-mcp/users"
  "listenerDir" "/var/run/secrets/ispw-mcp/listener"
  "auditDir" "/var/lib/ispw-mcp/audit"
) -}}
{{- end -}}

{{/* The port the MCP listener binds: the Service's in topology B, the loopback one in topology A. */}}
{{- define "ispw-mcp.listenPort" -}}
{{- ternary .Values.http.port .Values.sidecar.port (eq .Values.topology "service") -}}
{{- end -}}

{{/* True when the chart mounts a client CA for the listener (mutual TLS). */}}
{{- define "ispw-mcp.mtls" -}}
{{- if and .Values.listener.tls.enabled (or .Values.listener.tls.clientCa.configMapName .Values.listener.tls.clientCa.secretName) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/* True when the policy has a rule that asks for confirmation. */}}
{{- define "ispw-mcp.policyConfirms" -}}
{{- $confirms := false -}}
{{- range (.Values.access.policy.rules | default list) -}}
{{- if eq (toString .decision) "confirm" -}}{{- $confirms = true -}}{{- end -}}
{{- end -}}
{{- $confirms -}}
{{- end -}}

{{- define "ispw-mcp.config" -}}
{{- $p := include "ispw-mcp.paths" . | fromJson -}}
{{- $service := eq .Values.topology "service" -}}
{{- $http := dict "host" (ternary "0.0.0.0" "127.0.0.1" $service) "port" (int (include "ispw-mcp.listenPort" .)) "sessions" .Values.http.sessions -}}
{{- if $service -}}
{{- $hosts := concat (include "ispw-mcp.serviceHostnames" . | fromJsonArray) .Values.http.allowedHosts -}}
{{- if .Values.ingress.enabled -}}{{- $hosts = append $hosts .Values.ingress.host -}}{{- end -}}
{{- if .Values.gateway.httpRoute.enabled -}}{{- $hosts = concat $hosts .Values.gateway.httpRoute.hostnames -}}{{- end -}}
{{- $_ := set $http "allowedHosts" ($hosts | uniq) -}}
{{- end -}}
{{- with .Values.http.allowedOrigins -}}{{- $_ := set $http "allowedOrigins" . -}}{{- end -}}
{{- $instances := list -}}
{{- range .Values.ces.instances -}}
{{- $i := dict "name" .name "url" .url "srids" .srids "tokenFile" (printf "%s/%s" $p.secretDir (default (printf "%s.token" .name) .tokenKey)) -}}
{{- with .runtimeConfig -}}{{- $_ := set $i "runtimeConfig" . -}}{{- end -}}
{{- with .servername -}}{{- $_ := set $i "servername" . -}}{{- end -}}
{{- with .timeoutSeconds -}}{{- $_ := set $i "timeoutSeconds" . -}}{{- end -}}
{{- if hasKey . "retries" -}}{{- $_ := set $i "retries" .retries -}}{{- end -}}
{{- if .caBundle -}}
{{- $_ := set $i "caFile" (printf "%s/%s/%s" $p.caDir .name (default "ca.crt" .caBundle.key)) -}}
{{- $_ := set $i "caMode" (default "replace" .caMode) -}}
{{- else if .caMode -}}
{{- $_ := set $i "caMode" .caMode -}}
{{- end -}}
{{- with .clientCertificate -}}
{{- if or .existingSecret (and .certManager .certManager.enabled) -}}
{{- $_ := set $i "clientCertFile" (printf "%s/%s/tls.crt" $p.cesClientDir $i.name) -}}
{{- $_ := set $i "clientKeyFile" (printf "%s/%s/tls.key" $p.cesClientDir $i.name) -}}
{{- end -}}
{{- with .passphraseKey -}}{{- $_ := set $i "clientKeyPassphraseFile" (printf "%s/%s" $p.secretDir .) -}}{{- end -}}
{{- end -}}
{{- $instances = append $instances $i -}}
{{- end -}}
{{- $ces := dict "instances" $instances -}}
{{- with .Values.ces.defaultInstance -}}{{- $_ := set $ces "defaultInstance" . -}}{{- end -}}
{{- $auth := dict -}}
{{- with .Values.auth.oauth -}}
{{- with .issuer -}}{{- $_ := set $auth "issuer" . -}}{{- end -}}
{{- with .audience -}}{{- $_ := set $auth "audience" . -}}{{- end -}}
{{- with .jwksUrl -}}{{- $_ := set $auth "jwksUrl" . -}}{{- end -}}
{{- with .algorithms -}}{{- $_ := set $auth "algorithms" . -}}{{- end -}}
{{- end -}}
{{- if and $service .Values.listener.tls.enabled -}}
{{- $tls := dict "certFile" (printf "%s/tls.crt" $p.listenerDir) "keyFile" (printf "%s/tls.key" $p.listenerDir) -}}
{{- if eq (include "ispw-mcp.mtls" .) "true" -}}
{{- $_ := set $tls "clientCaFile" (printf "%s/%s" $p.clientCaDir .Values.listener.tls.clientCa.key) -}}
{{- $_ := set $tls "clientScopes" .Values.listener.tls.clientScopes -}}
{{- end -}}
{{- $_ := set $auth "tls" $tls -}}
{{- end -}}
{{- $identity := dict "mode" .Values.identity.mode "claim" .Values.identity.claim "readFallback" .Values.identity.readFallback -}}
{{- if include "ispw-mcp.userTokensSource" . -}}{{- $_ := set $identity "userTokenDir" $p.userTokenDir -}}{{- end -}}
{{- $access := dict "readOnly" .Values.access.readOnly "confirmTtlSeconds" .Values.access.confirmTtlSeconds "confirmAnswerSeconds" .Values.access.confirmAnswerSeconds -}}
{{- with .Values.access.toolsets -}}{{- $_ := set $access "toolsets" . -}}{{- end -}}
{{- with .Values.access.toolsAllow -}}{{- $_ := set $access "toolsAllow" . -}}{{- end -}}
{{- with .Values.access.toolsDeny -}}{{- $_ := set $access "toolsDeny" . -}}{{- end -}}
{{- if .Values.access.policy -}}{{- $_ := set $access "policyFile" $p.policyFile -}}{{- end -}}
{{- with .Values.secrets.confirmKey -}}{{- $_ := set $access "confirmKeyFile" (printf "%s/%s" $p.secretDir .) -}}{{- end -}}
{{- $config := dict
  "profile" .Values.profile
  "transport" "http"
  "http" $http
  "log" (dict "level" .Values.log.level)
  "ces" $ces
  "identity" $identity
  "access" $access
  "limits" (dict "callsPerMinute" .Values.limits.callsPerMinute "cesConcurrency" .Values.limits.cesConcurrency)
  "audit" (dict "durability" .Values.audit.durability "failMode" .Values.audit.failMode)
  "shutdown" (dict "graceSeconds" .Values.shutdown.graceSeconds)
-}}
{{- if $auth -}}{{- $_ := set $config "auth" $auth -}}{{- end -}}
{{- if and $service .Values.metrics.enabled -}}
{{- $_ := set $config "metrics" (dict "host" "0.0.0.0" "port" .Values.metrics.port) -}}
{{- end -}}
{{- toYaml (mustMergeOverwrite $config (deepCopy .Values.config)) -}}
{{- end -}}
