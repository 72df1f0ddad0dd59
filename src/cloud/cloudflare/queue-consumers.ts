// A queue's worker consumer on an account. wrangler deploy adds or updates the consumers a config
// declares but never removes one the config no longer declares, and a queue has one consumer: so
// at cutover the platform's consumer of a moved queue is detached by fleet, after the platform is
// deployed without it and before the worker (deployed from its repository) attaches its own; on a
// failed move it is attached again with the settings it had.
import type { CloudflareApi } from "./api.js";

export interface QueueConsumer {
  queueId: string;
  queue: string;
  consumerId: string;
  script: string;
  settings: Record<string, unknown>;
}

interface QueueAnswer {
  queue_id: string;
  queue_name: string;
  consumers?: { consumer_id: string; script?: string; service?: string; type?: string; settings?: Record<string, unknown> }[];
}

/** The worker consumer `script` has on `queue`, if any. */
export async function consumerOf(api: CloudflareApi, accountId: string, queue: string, script: string): Promise<QueueConsumer | undefined> {
  const { result } = await api.call<QueueAnswer[]>("GET", `/accounts/${accountId}/queues?name=${encodeURIComponent(queue)}`);
  const found = (result ?? []).find((q) => q.queue_name === queue);
  const consumer = found?.consumers?.find((c) => (c.script ?? c.service) === script);
  return found && consumer ? { queueId: found.queue_id, queue, consumerId: consumer.consumer_id, script, settings: consumer.settings ?? {} } : undefined;
}

export async function detachConsumer(api: CloudflareApi, accountId: string, consumer: QueueConsumer): Promise<void> {
  await api.call("DELETE", `/accounts/${accountId}/queues/${consumer.queueId}/consumers/${consumer.consumerId}`);
}

export async function attachConsumer(api: CloudflareApi, accountId: string, consumer: QueueConsumer): Promise<void> {
  await api.call("POST", `/accounts/${accountId}/queues/${consumer.queueId}/consumers`, {
    type: "worker",
    script_name: consumer.script,
    settings: consumer.settings,
  });
}
