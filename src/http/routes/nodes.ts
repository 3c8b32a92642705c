import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { guardSummary } from '../../core/auto-registration-guard.js';
import { autoRegistrationSummary } from '../../core/node.js';
import type { NodeLiveness } from '../../core/node-liveness.js';
import type { ClusterView } from '../../services/cluster/cluster-view.js';
import type { ConfigurationService } from '../../services/configuration-service.js';
import type { DevicePoolService } from '../../services/device-pool-service.js';
import type { DirectoryNumbers } from '../../services/directory-numbers.js';
import { freeDnsSchema } from '../admin-schemas.js';
import type { StoredNode } from '../../store/node-repository.js';
import { errorSchema, nodePatchSchema, nodeSchema } from '../schemas.js';

export const nodeRoutes =
  (
    config: ConfigurationService,
    numbers: DirectoryNumbers,
    pools: DevicePoolService,
    cluster?: ClusterView,
  ): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Cisco Unified CM'];
    const liveness = async (): Promise<Map<string, NodeLiveness>> =>
      cluster ? cluster.liveness() : new Map();
    const view = async (node: StoredNode, live?: Map<string, NodeLiveness>) => {
      const used = await config.usedInRange(node);
      return {
        liveness: (live ?? (await liveness())).get(node.name),
        name: node.name,
        autoRegistration: {
          ...node.autoRegistration,
          changedAt: node.autoRegistrationChangedAt,
          used,
          summary: autoRegistrationSummary(node, used),
        },
        autoRegistrationGuard: {
          ...node.autoRegistrationGuard,
          summary: guardSummary(node.name, node.autoRegistrationGuard),
        },
        autoRegistrationPool: node.autoRegistrationPool,
      };
    };
    app.get('/nodes', {
      schema: {
        tags,
        summary: 'List the nodes and their auto-registration',
        response: { 200: z.array(nodeSchema) },
      },
      handler: async () => {
        const live = await liveness();
        return Promise.all((await config.listNodes()).map((node) => view(node, live)));
      },
    });
    app.get('/nodes/:name', {
      schema: {
        tags,
        summary: 'Read one node',
        params: z.object({ name: z.string() }),
        response: { 200: nodeSchema, 404: errorSchema },
      },
      handler: async (request) => view(await config.getNode(request.params.name)),
    });
    app.patch('/nodes/:name', {
      schema: {
        tags,
        summary:
          "Change auto-registration of a node (enabled, startingDn, endingDn) and its auto-registration guard; refused with the rule that a value breaks (409 when the range overlaps another node's)",
        params: z.object({ name: z.string() }),
        body: nodePatchSchema,
        response: { 200: nodeSchema, 400: errorSchema, 404: errorSchema, 409: errorSchema },
      },
      handler: async (request) => {
        const { autoRegistrationPool, ...changes } = request.body;
        // The pool is checked before anything is written, so a refusal changes nothing.
        if (autoRegistrationPool !== undefined)
          await pools.checkExists('autoRegistrationPool', autoRegistrationPool);
        const updated =
          changes.autoRegistration !== undefined || changes.autoRegistrationGuard !== undefined
            ? await config.updateNode(request.params.name, changes)
            : await config.getNode(request.params.name).then((node) => ({ before: node, after: node }));
        const { before } = updated;
        let { after } = updated;
        if (autoRegistrationPool !== undefined && autoRegistrationPool !== before.autoRegistrationPool) {
          await pools.setAutoRegistrationPool(after.name, autoRegistrationPool);
          after = await config.getNode(after.name);
        }
        await request.audit({
          action: 'update',
          target: 'node',
          targetName: after.name,
          before: {
            autoRegistration: { ...before.autoRegistration },
            autoRegistrationGuard: { ...before.autoRegistrationGuard },
            autoRegistrationPool: before.autoRegistrationPool,
          },
          after: {
            autoRegistration: { ...after.autoRegistration },
            autoRegistrationGuard: { ...after.autoRegistrationGuard },
            autoRegistrationPool: after.autoRegistrationPool,
          },
        });
        return view(after);
      },
    });
    app.get('/nodes/:name/free-dns', {
      schema: {
        tags: ['Call Routing > Directory Number'],
        summary: 'Free numbers of the node’s auto-registration range: counts and the lowest free DNs',
        params: z.object({ name: z.string() }),
        querystring: z.strictObject({ limit: z.coerce.number().int().min(0).max(1000).default(20) }),
        response: { 200: freeDnsSchema, 404: errorSchema },
      },
      handler: async (request) => numbers.free(request.params.name, request.query.limit),
    });
  };
