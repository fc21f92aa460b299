import type { Locale } from './strings.js';

/** Common Kubernetes Event reasons in words: [zh-CN, en]. Unknown reasons are shown raw. */
export const REASON_PHRASES: Readonly<Record<string, readonly [string, string]>> = {
  BackOff: ['Pod 反复重启', 'container restarting'],
  CrashLoopBackOff: ['容器崩溃循环', 'container crash loop'],
  ImagePullBackOff: ['镜像拉取退避', 'image pull back-off'],
  ErrImagePull: ['镜像拉取失败', 'image pull failed'],
  InspectFailed: ['镜像检查失败', 'image inspection failed'],
  OOMKilling: ['节点内存不足，进程被杀', 'OOM kill on the node'],
  OOMKilled: ['容器内存超限被杀', 'container OOM-killed'],
  SystemOOM: ['节点系统内存不足', 'system OOM on the node'],
  FailedScheduling: ['调度失败', 'scheduling failed'],
  Unhealthy: ['健康检查失败', 'health check failed'],
  ProbeWarning: ['探针告警', 'probe warning'],
  NodeNotReady: ['节点未就绪', 'node not ready'],
  NodeNotSchedulable: ['节点不可调度', 'node not schedulable'],
  Rebooted: ['节点重启', 'node rebooted'],
  EvictionThresholdMet: ['节点达到驱逐阈值', 'node eviction threshold met'],
  NodeHasDiskPressure: ['节点磁盘压力', 'node disk pressure'],
  FreeDiskSpaceFailed: ['磁盘清理失败', 'freeing disk space failed'],
  ImageGCFailed: ['镜像回收失败', 'image garbage collection failed'],
  FailedMount: ['卷挂载失败', 'volume mount failed'],
  FailedAttachVolume: ['卷挂接失败', 'volume attach failed'],
  VolumeResizeFailed: ['卷扩容失败', 'volume resize failed'],
  ProvisioningFailed: ['存储卷创建失败', 'volume provisioning failed'],
  Evicted: ['Pod 被驱逐', 'pod evicted'],
  Preempting: ['Pod 被抢占', 'pod preempted'],
  FailedGetResourceMetric: ['HPA 获取指标失败', 'HPA cannot get metrics'],
  FailedComputeMetricsReplicas: ['HPA 计算副本数失败', 'HPA cannot compute replicas'],
  FailedCreate: ['创建失败', 'create failed'],
  FailedDelete: ['删除失败', 'delete failed'],
  FailedCreatePodSandBox: ['Pod 沙箱创建失败', 'pod sandbox creation failed'],
  FailedKillPod: ['Pod 终止失败', 'pod kill failed'],
  FailedPreStopHook: ['preStop 钩子失败', 'preStop hook failed'],
  FailedPostStartHook: ['postStart 钩子失败', 'postStart hook failed'],
  Killing: ['容器被终止', 'container killed'],
  Failed: ['失败', 'failed'],
  FailedSync: ['同步失败', 'sync failed'],
  NetworkNotReady: ['网络未就绪', 'network not ready'],
  BackoffLimitExceeded: ['Job 重试次数超限', 'job backoff limit exceeded'],
  DeadlineExceeded: ['Job 超时', 'job deadline exceeded'],
  SawCompletedJob: ['Job 已完成', 'job completed'],
  Scheduled: ['已调度', 'scheduled'],
  Pulled: ['镜像已拉取', 'image pulled'],
  Created: ['容器已创建', 'container created'],
  Started: ['容器已启动', 'container started'],
  ScalingReplicaSet: ['副本数调整', 'replica set scaled'],
};

/** The reason in words, or undefined when the reason is not in the table. */
export function reasonPhrase(reason: string, locale: Locale): string | undefined {
  const p = Object.hasOwn(REASON_PHRASES, reason) ? REASON_PHRASES[reason] : undefined;
  return p ? p[locale === 'zh-CN' ? 0 : 1] : undefined;
}
