{{/* Chart name. */}}
{{- define "kube-herald.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart unless the release name already contains the chart name. */}}
{{- define "kube-herald.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one component's objects: <fullname>-collector / <fullname>-notifier. */}}
{{- define "kube-herald.componentName" -}}
{{- printf "%s-%s" (include "kube-herald.fullname" .root) .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "kube-herald.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Common labels; call with (dict "root" $ "component" "collector"). */}}
{{- define "kube-herald.labels" -}}
helm.sh/chart: {{ include "kube-herald.chart" .root }}
{{ include "kube-herald.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: kube-herald
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels; call with (dict "root" $ "component" "collector"). */}}
{{- define "kube-herald.selectorLabels" -}}
app.kubernetes.io/name: {{ include "kube-herald.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "kube-herald.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "kube-herald.collector.serviceAccountName" -}}
{{- if .Values.collector.serviceAccount.create }}
{{- default (include "kube-herald.componentName" (dict "root" . "component" "collector")) .Values.collector.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.collector.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Kafka connection settings shared by both configs (no secret values: the password is a file). */}}
{{- define "kube-herald.kafkaConnection" -}}
brokers:
{{- toYaml .Values.kafka.brokers | nindent 2 }}
topic: {{ .Values.kafka.topic | quote }}
{{- if and .Values.kafka.sasl.enabled (not .Values.kafka.tls) (not .Values.kafka.sasl.allowWithoutTls) }}
{{- fail "kafka.sasl.enabled without kafka.tls sends the SASL credentials in clear: set kafka.tls: true, or kafka.sasl.allowWithoutTls: true to choose that explicitly" }}
{{- end }}
# always explicit: both services connect exactly as written here
ssl: {{ .Values.kafka.tls }}
{{- if .Values.kafka.sasl.enabled }}
sasl:
  mechanism: {{ .Values.kafka.sasl.mechanism }}
  username: "${KH_KAFKA_SASL_USERNAME}"
  passwordFile: /secrets/kafka/password
{{- end }}
{{- end }}

{{/* The collector's config.yaml. */}}
{{- define "kube-herald.collector.config" -}}
{{- $c := .Values.collector -}}
cluster:
  id: {{ $c.cluster.id | quote }}
  {{- with $c.cluster.name }}
  name: {{ . | quote }}
  {{- end }}
kubernetes:
  inCluster: true
  api: {{ $c.kubernetes.api }}
  namespaces: {{ toJson $c.kubernetes.namespaces }}
kafka:
  {{- include "kube-herald.kafkaConnection" . | nindent 2 }}
  clientId: kube-herald-collector
collector:
  maxEventAge: {{ $c.maxEventAge }}
  enrichment:
    labelKeys: {{ toJson $c.enrichment.labelKeys }}
leaderElection:
  enabled: {{ $c.leaderElection.enabled }}
  namespace: {{ .Release.Namespace }}
  leaseName: {{ $c.leaderElection.leaseName }}
  leaseDuration: {{ $c.leaderElection.leaseDuration }}
http:
  port: {{ .Values.httpPort }}
log:
  level: {{ .Values.logLevel }}
{{- end }}

{{/* The notifier's config.yaml. */}}
{{- define "kube-herald.notifier.config" -}}
{{- $n := .Values.notifier -}}
kafka:
  {{- include "kube-herald.kafkaConnection" . | nindent 2 }}
  dlqTopic: {{ .Values.kafka.dlqTopic | quote }}
  groupId: {{ $n.groupId | quote }}
redis:
  url: {{ $n.redis.url | quote }}
  durability:
    mode: {{ $n.redis.durability | default "none" | quote }}
  {{- if $n.redis.existingSecret }}
  passwordFile: /secrets/redis/password
  {{- end }}
receivers:
{{- range $n.receivers }}
  - name: {{ .name }}
    type: {{ .type }}
    webhookFile: /secrets/{{ .name }}/webhook
    {{- if .secretKey }}
    secretFile: /secrets/{{ .name }}/secret
    {{- end }}
    {{- /* every other field is the receiver type's own (values.schema.json checks which): passed as it is */}}
    {{- $fields := omit . "name" "type" "existingSecret" "webhookKey" "secretKey" }}
    {{- range $k := keys $fields | sortAlpha }}
    {{- $v := get $fields $k }}
    {{- if or (kindIs "bool" $v) (kindIs "float64" $v) (kindIs "int64" $v) (kindIs "int" $v) (not (empty $v)) }}
    {{- dict $k $v | toYaml | nindent 4 }}
    {{- end }}
    {{- end }}
{{- end }}
route:
  {{- toYaml $n.route | nindent 2 }}
http:
  port: {{ .Values.httpPort }}
log:
  level: {{ .Values.logLevel }}
{{- if $n.console.enabled }}
console:
  enabled: true
  host: {{ $n.console.host | quote }}
  port: {{ $n.console.port }}
  {{- if $n.console.existingSecret }}
  adminTokenFile: /secrets/console/token
  {{- end }}
{{- end }}
{{- end }}

{{/* Probes of a service container. */}}
{{- define "kube-herald.probes" -}}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  {{- toYaml .Values.probes.liveness | nindent 2 }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  {{- toYaml .Values.probes.readiness | nindent 2 }}
{{- end }}

{{/* Environment common to both services. */}}
{{- define "kube-herald.commonEnv" -}}
- name: POD_NAME
  valueFrom:
    fieldRef:
      fieldPath: metadata.name
- name: POD_NAMESPACE
  valueFrom:
    fieldRef:
      fieldPath: metadata.namespace
{{- if .Values.kafka.sasl.enabled }}
- name: KH_KAFKA_SASL_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ .Values.kafka.sasl.existingSecret }}
      key: {{ .Values.kafka.sasl.usernameKey }}
{{- end }}
{{- end }}

{{/* Kafka SASL password volume (a file), when SASL is enabled. */}}
{{- define "kube-herald.kafkaSecretVolume" -}}
{{- if .Values.kafka.sasl.enabled }}
- name: kafka-sasl
  secret:
    secretName: {{ .Values.kafka.sasl.existingSecret }}
    defaultMode: 0440
    items:
      - key: {{ .Values.kafka.sasl.passwordKey }}
        path: password
{{- end }}
{{- end }}

{{- define "kube-herald.kafkaSecretMount" -}}
{{- if .Values.kafka.sasl.enabled }}
- name: kafka-sasl
  mountPath: /secrets/kafka
  readOnly: true
{{- end }}
{{- end }}

{{/* Fails the render with a clear message when a required value is missing. */}}
{{- define "kube-herald.validate" -}}
{{- if and .Values.kafka.sasl.enabled (not .Values.kafka.sasl.existingSecret) }}
{{- fail "kafka.sasl.existingSecret is required when kafka.sasl.enabled is true" }}
{{- end }}
{{- if .Values.notifier.enabled }}
{{- if not .Values.notifier.receivers }}
{{- fail "notifier.receivers needs at least one receiver" }}
{{- end }}
{{- $names := dict }}
{{- range .Values.notifier.receivers }}
{{- if hasKey $names .name }}
{{- fail (printf "notifier.receivers: duplicate receiver name %q" .name) }}
{{- end }}
{{- $_ := set $names .name true }}
{{- end }}
{{- end }}
{{- if not (or .Values.collector.enabled .Values.notifier.enabled) }}
{{- fail "enable at least one of collector.enabled and notifier.enabled" }}
{{- end }}
{{- end }}
