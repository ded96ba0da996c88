/** GET /api/health, GET /api/cluster, and fault injection: POST /api/cluster/brokers/:id/stop|start. */
import { Hono } from "hono";
import type { ClusterBackend } from "../cluster/index.ts";
import type { ClusterInspector } from "../cluster/inspect.ts";
import type { Config } from "../config/index.ts";
import type { Health } from "../protocol/cluster.ts";
import { ApiError } from "../errors.ts";
import type { Engine } from "../sandbox/types.ts";
import type { ServiceManager } from "../services/manager.ts";
import { sessionOf, type Sessions } from "../session/index.ts";

export interface ClusterRouteDeps {
  config: Config;
  cluster: ClusterBackend;
  inspector: ClusterInspector;
  engine: Engine;
  sessions: Sessions;
  services: ServiceManager;
}

export function healthRoutes({ cluster, engine, config, services }: ClusterRouteDeps): Hono {
  return new Hono().get("/", async (c) => {
    const [brokers, serviceStates] = await Promise.all([cluster.status(), services.status()]);
    return c.json<Health>({
      ok: brokers.some((b) => b.up),
      engine: engine.name,
      sandboxed: engine.isolated,
      ...(engine.isolated
        ? {}
        : { warning: "RUNNER_ENGINE=process: learner code runs without a sandbox. Use it only on a trusted single-user machine." }),
      courseMode: config.COURSE_MODE,
      faultInjection: config.faultInjection && cluster.canControlBrokers,
      cluster: { mode: cluster.mode, brokers: brokers.map(({ id, up }) => ({ id, up })) },
      services: serviceStates,
    });
  });
}

export function clusterRoutes({ cluster, inspector, config, sessions }: ClusterRouteDeps): Hono {
  const app = new Hono();

  app.get("/", async (c) => {
    const session = sessionOf(c);
    const statuses = await cluster.status();
    if (!statuses.some((b) => b.up)) {
      return c.json({
        brokers: statuses.map((b) => ({ ...b, controller: false })),
        controller: null,
        clusterId: null,
        topics: [],
        groups: [],
        error: "No broker is reachable.",
      });
    }
    try {
      return c.json(await inspector.view(statuses, sessions.visibleTo(session)));
    } catch (error) {
      // Kafka's own message stays in the runner's log: it can name other sessions' topics.
      console.error("[runner] GET /api/cluster:", (error as Error).message);
      throw new ApiError(503, "The cluster did not answer. It may be electing a new leader; try again in a moment.");
    }
  });

  app.post("/brokers/:id/:action{stop|start}", async (c) => {
    if (!config.faultInjection) throw new ApiError(403, "Fault injection is disabled on this course (FAULT_INJECTION=off).");
    if (!cluster.canControlBrokers) throw new ApiError(403, `Brokers cannot be stopped in KAFKA_MODE=${cluster.mode}.`);
    const id = Number(c.req.param("id"));
    const brokers = await cluster.status();
    if (!brokers.some((b) => b.id === id))
      throw new ApiError(404, `There is no broker ${c.req.param("id")}. Brokers: ${brokers.map((b) => b.id).join(", ")}.`);
    const action = c.req.param("action");
    if (action === "stop") await cluster.stopBroker(id);
    else await cluster.startBroker(id);
    await inspector.reset();
    return c.json({ id, action, brokers: await cluster.status() });
  });

  return app;
}
