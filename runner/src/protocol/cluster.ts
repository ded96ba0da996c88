/**
 * The shapes of GET /api/health and GET /api/cluster, shared by the runner that sends them, the page that draws
 * them, the lesson checks and the bench. Types for the page (no zod in its bundle), schemas for the tests.
 */
import { z } from "zod";

const brokerSchema = z.object({ id: z.number().int(), address: z.string(), up: z.boolean() });

export const partitionViewSchema = z.object({
  partition: z.number().int(),
  /** -1 when the partition has no leader (every replica's broker is down). */
  leader: z.number().int(),
  replicas: z.array(z.number().int()),
  isr: z.array(z.number().int()),
  endOffset: z.string(),
});

export const groupViewSchema = z.object({
  groupId: z.string(),
  state: z.string(),
  members: z.array(
    z.object({
      memberId: z.string(),
      clientId: z.string(),
      assignments: z.array(z.object({ topic: z.string(), partitions: z.array(z.number().int()) })),
    }),
  ),
  lag: z.array(z.object({ topic: z.string(), partition: z.number().int(), committed: z.string(), lag: z.number() })),
});

/** GET /api/cluster: what the cluster panel draws (a classroom session sees only its own topics and groups). */
export const clusterViewSchema = z.object({
  brokers: z.array(brokerSchema.extend({ controller: z.boolean() })),
  controller: z.number().int().nullable(),
  clusterId: z.string().nullable(),
  topics: z.array(z.object({ name: z.string(), partitions: z.array(partitionViewSchema) })),
  groups: z.array(groupViewSchema),
  /** Set when no broker answers. */
  error: z.string().optional(),
});

/** A companion service as /api/health and /api/services report it. */
export const serviceStatusSchema = z.object({
  name: z.string(),
  title: z.string(),
  state: z.enum(["stopped", "starting", "ready", "stopping", "failed"]),
  memoryMb: z.number(),
  pids: z.array(z.number().int()),
  startSeconds: z.number().optional(),
  error: z.string().optional(),
});

/** GET /api/health. */
export const healthSchema = z.object({
  ok: z.boolean(),
  engine: z.string(),
  sandboxed: z.boolean(),
  warning: z.string().optional(),
  courseMode: z.enum(["single", "classroom"]),
  faultInjection: z.boolean(),
  cluster: z.object({
    mode: z.enum(["local", "docker", "external"]),
    brokers: z.array(z.object({ id: z.number().int(), up: z.boolean() })),
  }),
  /** Companion services (ZooKeeper-mode Kafka, RabbitMQ, …), started when a lesson that needs them is opened or run. */
  services: z.array(serviceStatusSchema),
});

export type PartitionView = z.infer<typeof partitionViewSchema>;
export type GroupView = z.infer<typeof groupViewSchema>;
export type ClusterView = z.infer<typeof clusterViewSchema>;
export type Health = z.infer<typeof healthSchema>;
export type ServiceStatusView = z.infer<typeof serviceStatusSchema>;
