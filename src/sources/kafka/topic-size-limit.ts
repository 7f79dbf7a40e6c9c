import type { Admin, ConfigResourceTypes } from 'kafkajs';

// kafkajs is CommonJS: its enums are not named ESM exports, so the values are spelled here.
const TOPIC = 2 as ConfigResourceTypes;
const BROKER = 4 as ConfigResourceTypes;

/** Kafka's own default of message.max.bytes, rounded down: used when the broker will not say. */
export const DEFAULT_MAX_BATCH_BYTES = 1_000_000;

function configValue(response: Awaited<ReturnType<Admin['describeConfigs']>>, name: string): number[] {
  return response.resources
    .flatMap((resource) => resource.configEntries)
    .filter((entry) => entry.configName === name)
    .map((entry) => Number(entry.configValue))
    .filter((value) => Number.isInteger(value) && value > 0);
}

/**
 * The largest record batch the broker accepts for one partition of `topic`:
 * the topic's `max.message.bytes`, or for a topic that does not exist yet
 * (it is created on first send and inherits the broker setting) the smallest
 * `message.max.bytes` of the brokers. kafkajs sends all messages of one
 * partition in one batch and never splits it, so this bounds one send.
 * When the broker will not tell (no DescribeConfigs right), Kafka's default.
 */
export async function maxBatchBytes(admin: Admin, topic: string): Promise<{ bytes: number; source: string }> {
  try {
    // Asked only of a topic that exists: kafkajs logs an error for the answer about one that does not.
    if ((await admin.listTopics()).includes(topic)) {
      const found = configValue(await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: TOPIC, name: topic, configNames: ['max.message.bytes'] }] }), 'max.message.bytes');
      if (found.length > 0) return { bytes: Math.min(...found), source: `topic ${topic} max.message.bytes` };
    }
  } catch {
    // Not allowed (no Describe rights): ask the brokers.
  }
  try {
    const { brokers } = await admin.describeCluster();
    const resources = brokers.map((broker) => ({ type: BROKER, name: String(broker.nodeId), configNames: ['message.max.bytes'] }));
    const found = configValue(await admin.describeConfigs({ includeSynonyms: false, resources }), 'message.max.bytes');
    if (found.length > 0) return { bytes: Math.min(...found), source: 'broker message.max.bytes' };
  } catch {
    // Fall through to the default.
  }
  return { bytes: DEFAULT_MAX_BATCH_BYTES, source: 'default (the broker did not say)' };
}
