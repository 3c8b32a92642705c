import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { BackupService } from '../../services/backup/backup-service.js';
import { INTERVAL_HOURS, KEEP } from '../../services/backup/schedule.js';
import { ApiError } from '../api-errors.js';
import { errorSchema } from '../schemas.js';

const scheduleSchema = z
  .object({
    enabled: z.boolean().describe('back up on a schedule'),
    intervalHours: z.number().int().describe('hours from one backup to the next'),
    directory: z.string().describe("absolute path on the running node's machine where archives go"),
    keep: z
      .number()
      .int()
      .describe('archives kept there; older ones are deleted after each successful backup'),
    node: z.string().describe('the node that runs the scheduled backups (one per cluster)'),
  })
  .meta({ id: 'BackupSchedule' });

const recordSchema = z
  .object({
    trigger: z.enum(['scheduled', 'manual']),
    node: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    outcome: z.enum(['succeeded', 'failed']),
    file: z.string().nullable().describe('the archive written (on the machine of `node`)'),
    bytes: z.number().nullable(),
    message: z.string().describe('what it holds, or why it failed and what to do'),
  })
  .meta({ id: 'BackupRecord' });

const statusSchema = z.object({
  schedule: scheduleSchema,
  last: recordSchema.nullable(),
  running: z.boolean().describe('a backup is running on this node'),
  nextAt: z.string().nullable().describe('when this node runs the next scheduled backup'),
  archives: z.array(z.object({ file: z.string(), bytes: z.number(), modifiedAt: z.string() })),
});

export const backupRoutes =
  (backups: BackupService): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Backup'];
    app.get('/backups', {
      schema: {
        tags,
        summary: 'The backup schedule, the last backup (when, where, size, outcome) and the archives kept',
        response: { 200: statusSchema },
      },
      handler: () => backups.status(),
    });
    app.patch('/backups/schedule', {
      schema: {
        tags,
        summary: 'Change the backup schedule',
        body: z.strictObject({
          enabled: z.boolean().optional(),
          intervalHours: z.number().int().min(INTERVAL_HOURS.min).max(INTERVAL_HOURS.max).optional(),
          directory: z.string().min(1).optional(),
          keep: z.number().int().min(KEEP.min).max(KEEP.max).optional(),
          node: z.string().min(1).optional(),
        }),
        response: { 200: scheduleSchema, 400: errorSchema },
      },
      handler: async (request) => {
        const before = await backups.schedule();
        const after = await backups.updateSchedule(request.body);
        await request.audit({
          action: 'update',
          target: 'backup-schedule',
          targetName: 'backup',
          before: { ...before },
          after: { ...after },
        });
        return after;
      },
    });
    app.post('/backups', {
      schema: {
        tags,
        summary:
          'Back up now (database and firmware loads) into the schedule directory; answers when the archive is written',
        response: { 201: recordSchema, 409: errorSchema, 500: errorSchema },
      },
      handler: async (request, reply) => {
        const record = await backups.backUpNow('manual');
        await request.audit({
          action: 'BACKUP',
          target: 'backups',
          targetName: record.file ?? 'backup',
          after: { outcome: record.outcome, file: record.file, bytes: record.bytes },
        });
        if (record.outcome === 'failed') throw new ApiError('backup-failed', record.message);
        return reply.code(201).send(record);
      },
    });
  };
