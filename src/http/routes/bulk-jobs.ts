import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { BULK_JOB_STATUSES, ITEM_STATES } from '../../core/bulk-job.js';
import { MIGRATION_DIRECTIONS, MIGRATION_STEPS } from '../../core/migration.js';
import type { BulkJobService } from '../../services/bulk/bulk-job-service.js';
import { MAX_JOB_PHONES } from '../../services/bulk/selection.js';
import { errorSchema, lineSchema, pageOf, protocolSchema } from '../schemas.js';

const directionSchema = z.enum(MIGRATION_DIRECTIONS as [string, ...string[]]) as z.ZodType<
  'SCCP_TO_SIP' | 'SIP_TO_SCCP'
>;
const stepSchema = z.enum(MIGRATION_STEPS);
const itemStateSchema = z.enum(ITEM_STATES);
const jobStatusSchema = z.enum(BULK_JOB_STATUSES);

const selectionQuerySchema = z
  .strictObject({
    model: z.string().min(1).optional().describe('model number, exact (7940)'),
    description: z.string().min(1).optional().describe('description contains this text'),
    dnFrom: z.string().optional().describe('a line DN at least this'),
    dnTo: z.string().optional().describe('a line DN at most this'),
    node: z.string().min(1).optional().describe('node the phone is (or was last) registered with'),
    loadId: z.string().min(1).optional().describe('load the phone runs (reported, else configured)'),
  })
  .describe('Device > Phone search fields; phones of the source protocol matching all of them');

const selectionSchema = z.union(
  [
    z.strictObject({ query: selectionQuerySchema }),
    z.strictObject({
      deviceNames: z
        .array(z.string())
        .min(1)
        .max(MAX_JOB_PHONES)
        .describe('device names, e.g. the first column of a CSV file (the client reads the file)'),
    }),
  ],
  {
    error:
      'selection is either {"query": {model?, description?, dnFrom?, dnTo?, node?, loadId?}} or {"deviceNames": ["SEP…", …]}',
  },
);

const createSchema = z.strictObject({
  kind: z.literal('migrate-phones'),
  direction: directionSchema,
  selection: selectionSchema,
  preview: z.boolean().default(false).describe('true: answer what the job would do (200) and create nothing'),
  scheduledAt: z.iso
    .datetime({
      offset: true,
      error: 'scheduledAt must be an ISO-8601 date and time, e.g. 2026-12-01T22:00:00Z',
    })
    .optional()
    .describe('run at this time instead of now'),
  switchAutoRegistrationProtocol: z
    .boolean()
    .optional()
    .describe(
      'switch Auto Registration Phone Protocol to the target protocol when the job starts (no restart)',
    ),
  createSipCredentials: z
    .boolean()
    .optional()
    .describe(
      'SCCP_TO_SIP: give each migrated phone without SIP credentials a digest user (its device name) and a generated password, carried by its configuration file; collect the passwords once with POST bulk-jobs/{id}/sip-passwords',
    ),
  stepTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(86_400)
    .optional()
    .describe('per step and phone; default 600'),
  concurrency: z.number().int().min(1).max(1000).optional().describe('phones migrated at once; default 20'),
});

const planSchema = z
  .object({
    deviceName: z.string(),
    model: z.string(),
    description: z.string(),
    lines: z.array(lineSchema),
    fromProtocol: protocolSchema,
    toProtocol: protocolSchema,
    phoneLoadName: z.string().nullable(),
    runningLoadId: z.string().nullable(),
    runningLoadSource: z.enum(['reported', 'configured', 'unknown']),
    intermediateLoadId: z.string().nullable().describe('newer SCCP load installed first, if needed'),
    targetLoadId: z.string().nullable(),
    steps: z.array(stepSchema),
    outcome: z.enum(['migrate', 'skip', 'cannot-migrate']),
    reason: z.string().nullable(),
    notes: z.array(z.string()),
  })
  .meta({ id: 'MigrationPlan' });

const warningSchema = z.object({
  code: z.enum(['auto-registration-protocol', 'load-not-installed', 'sip-credentials']),
  message: z.string(),
  remedy: z.string(),
  switchTo: protocolSchema.optional().describe('what switchAutoRegistrationProtocol would set'),
});

const previewSchema = z
  .object({
    direction: directionSchema,
    summary: z.object({
      total: z.number(),
      migrate: z.number(),
      withUpgrade: z.number(),
      skip: z.number(),
      cannotMigrate: z.number(),
    }),
    warnings: z.array(warningSchema),
    phones: z.array(planSchema),
  })
  .meta({ id: 'MigrationPreview' });

const countsSchema = z.object(
  Object.fromEntries(ITEM_STATES.map((s) => [s, z.number()])) as Record<
    (typeof ITEM_STATES)[number],
    z.ZodNumber
  >,
);

const jobSchema = z
  .object({
    id: z.string(),
    kind: z.literal('migrate-phones'),
    status: jobStatusSchema,
    node: z.string().describe('the node the job was created on'),
    runner: z
      .string()
      .nullable()
      .describe(
        'the node running the job now (it holds its lease); another node takes over a job whose runner died',
      ),
    leaseUntil: z.string().nullable().describe("when the runner's lease ends unless it renews it"),
    direction: directionSchema,
    createdBy: z.string(),
    createdAt: z.string(),
    scheduledAt: z.string().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    options: z.object({
      direction: directionSchema,
      selection: z.union([
        z.object({ query: selectionQuerySchema }),
        z.object({ deviceNameCount: z.number() }),
      ]),
      stepTimeoutSeconds: z.number(),
      concurrency: z.number(),
      switchAutoRegistrationProtocol: z.boolean(),
      createSipCredentials: z.boolean(),
    }),
    notes: z.array(z.object({ at: z.string(), message: z.string() })),
    message: z.string().nullable(),
    sipPasswordsWaiting: z
      .number()
      .describe('generated SIP passwords waiting to be collected (POST bulk-jobs/{id}/sip-passwords)'),
    progress: z.object({
      total: z.number(),
      finished: z.number(),
      percent: z.number(),
      counts: countsSchema,
      steps: z.array(z.object({ step: stepSchema, counts: countsSchema })),
    }),
  })
  .meta({ id: 'BulkJob' });

const itemSchema = z
  .object({
    position: z.number(),
    deviceName: z.string(),
    step: stepSchema,
    state: itemStateSchema,
    reason: z.string().nullable().describe('why it failed, was skipped or cancelled; notes when done'),
    plan: planSchema,
    startedAt: z.string().nullable(),
    updatedAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'BulkJobItem' });

const idParams = z.object({ id: z.string() });
const page = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);

/**
 * Bulk Administration > Phones > Migrate Phones as `bulk-jobs`. A CSV of device names is read
 * by the client (CLI, UI) and sent as `selection.deviceNames`.
 */
export const bulkJobRoutes =
  (jobs: BulkJobService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Bulk Administration'];
    app.post('/bulk-jobs', {
      schema: {
        tags,
        summary:
          'Preview (preview: true, 200) or create (201) a Migrate Phones job: SCCP→SIP or SIP→SCCP, by query or device names',
        body: createSchema,
        response: { 200: previewSchema, 201: jobSchema, 400: errorSchema, 409: errorSchema },
      },
      handler: async (request, reply) => {
        const { preview, kind: _kind, ...input } = request.body;
        if (preview) {
          // A preview changes nothing: nothing to audit.
          request.audited = true;
          return reply.code(200).send(await jobs.preview(input));
        }
        const job = await jobs.create(input, request.principal?.name ?? 'unknown');
        await request.audit({
          action: 'create',
          target: 'bulk-job',
          targetName: job.id,
          before: null,
          after: {
            ...job.options,
            status: job.status,
            scheduledAt: job.scheduledAt,
            phones: job.progress.total,
          },
        });
        return reply.code(201).send(job);
      },
    });
    app.get('/bulk-jobs', {
      schema: {
        tags,
        summary: 'List bulk jobs, newest first',
        querystring: z.strictObject({
          status: jobStatusSchema.optional(),
          page: page(1_000_000, 1),
          pageSize: page(100, 20),
        }),
        response: { 200: pageOf(jobSchema), 400: errorSchema },
      },
      handler: async (request) => {
        const { items, total } = await jobs.list(request.query);
        return { items, total, page: request.query.page, pageSize: request.query.pageSize };
      },
    });
    app.get('/bulk-jobs/:id', {
      schema: {
        tags,
        summary: 'Follow a job: its status and how many phones are at each step in each state',
        params: idParams,
        response: { 200: jobSchema, 404: errorSchema },
      },
      handler: (request) => jobs.get(request.params.id),
    });
    app.get('/bulk-jobs/:id/items', {
      schema: {
        tags,
        summary: "A job's phones: step reached, state, and the reason of each failure",
        params: idParams,
        querystring: z.strictObject({
          state: itemStateSchema.optional(),
          page: page(1_000_000, 1),
          pageSize: page(1000, 100),
        }),
        response: { 200: pageOf(itemSchema), 400: errorSchema, 404: errorSchema },
      },
      handler: async (request) => {
        const { items, total } = await jobs.items(request.params.id, request.query);
        return { items, total, page: request.query.page, pageSize: request.query.pageSize };
      },
    });
    app.get('/bulk-jobs/:id/report.csv', {
      schema: {
        tags,
        summary: 'The report of a job as CSV, one row per phone (result, step, reason)',
        params: idParams,
        produces: ['text/csv'],
      },
      handler: async (request, reply) => {
        const csv = await jobs.report(request.params.id);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="bulk-job-${request.params.id}.csv"`)
          .send(csv);
      },
    });
    app.post('/bulk-jobs/:id/sip-passwords', {
      schema: {
        tags,
        summary:
          'Collect, once, the SIP passwords the job generated (createSipCredentials): CSV of Device Name, Digest User, SIP Password. They are deleted from the node as they are sent; 409 when none waits',
        params: idParams,
        produces: ['text/csv'],
      },
      handler: async (request, reply) => {
        const { id } = request.params;
        const { csv, count } = await jobs.collectSipPasswords(id, request.principal?.name ?? 'unknown');
        await request.audit({
          action: 'collect-sip-passwords',
          target: 'bulk-job',
          targetName: id,
          after: { phones: count },
        });
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('cache-control', 'no-store')
          .header('content-disposition', `attachment; filename="bulk-job-${id}-sip-passwords.csv"`)
          .send(csv);
      },
    });
    const action = (name: 'pause' | 'resume' | 'cancel', summary: string) =>
      app.post(`/bulk-jobs/:id/${name}`, {
        schema: {
          tags,
          summary,
          params: idParams,
          response: { 200: jobSchema, 404: errorSchema, 409: errorSchema },
        },
        handler: async (request) => {
          const { id } = request.params;
          const before = (await jobs.get(id)).status;
          const job =
            name === 'pause'
              ? await jobs.pause(id)
              : name === 'resume'
                ? await jobs.resume(id)
                : await jobs.cancel(id, request.principal?.name ?? 'unknown');
          await request.audit({
            action: name,
            target: 'bulk-job',
            targetName: id,
            before: { status: before },
            after: { status: job.status },
          });
          return job;
        },
      });
    action('pause', 'Pause a job: no new phone starts; phones in progress finish their migration');
    action('resume', 'Resume a paused job (a scheduled one whose time has not come waits for it again)');
    action(
      'cancel',
      'Cancel a job: phones not started stay unchanged; phones in progress stop at their step, each reported',
    );
  };
