import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pipeline, Readable } from 'node:stream';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ImportReport, PhoneCsv } from '../../services/phone-csv.js';
import { ApiError } from '../api-errors.js';
import { ByteLimit } from '../byte-limit.js';
import { phoneQuerySchema } from '../schemas.js';

const reportSchema = z
  .object({
    imported: z.boolean().describe('false: nothing was written'),
    rows: z.number(),
    inserted: z.number(),
    updated: z.number(),
    credentialsSet: z.number().describe('rows whose SIP credentials were set (a SIP Password cell)'),
    errors: z.array(z.object({ line: z.number(), column: z.string(), message: z.string() })),
    errorCount: z.number(),
  })
  .meta({ id: 'ImportReport' });

/** The audit log records what an import did, not the file. */
async function auditImport(request: FastifyRequest, report: ImportReport): Promise<void> {
  if (!report.imported) return;
  await request.audit({
    action: 'IMPORT',
    target: '/phones/import',
    targetName: 'phones',
    after: {
      rows: report.rows,
      inserted: report.inserted,
      updated: report.updated,
      sipCredentialsSet: report.credentialsSet,
    },
  });
}

/** `maxImportBytes`: the largest CSV import (--http-max-import-bytes). */
export const phoneCsvRoutes =
  (csv: PhoneCsv, maxImportBytes: number): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Bulk Administration'];
    const MiB = 1024 * 1024;
    const size = maxImportBytes % MiB === 0 ? `${maxImportBytes / MiB} MiB` : `${maxImportBytes} bytes`;
    const tooLarge = () =>
      new ApiError(
        'too-large',
        `the CSV file is larger than ${size} (--http-max-import-bytes): split it into several imports; nothing was written`,
        'file',
      );
    // The body streams to the importer: 100,000 rows are never buffered as one string.
    app.addContentTypeParser('text/csv', (request, payload, done) => {
      if (Number(request.headers['content-length'] ?? 0) > maxImportBytes) {
        done(tooLarge(), undefined);
        return;
      }
      const limited = new ByteLimit(maxImportBytes, tooLarge);
      pipeline(payload, limited, () => undefined);
      done(null, limited);
    });
    app.get('/phones/export.csv', {
      schema: {
        tags,
        summary:
          'Export phones (same filters as the list) as CSV: Device Name, Description, Model, Protocol, Phone Load Name, ' +
          'SIP Digest User, SIP Password (write-only: always empty in an export), Line 1…',
        querystring: phoneQuerySchema.omit({ page: true, pageSize: true }),
      },
      handler: async (request, reply) => {
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="phones.csv"');
        return reply.send(Readable.from(csv.exportPhones(request.query)));
      },
    });
    app.get('/directory-numbers/export.csv', {
      schema: { tags, summary: 'Export directory numbers with the device and line holding each, as CSV' },
      handler: async (_request, reply) => {
        reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="directory-numbers.csv"');
        return reply.send(Readable.from(csv.exportDirectoryNumbers()));
      },
    });
    app.post('/phones/import', {
      schema: {
        tags,
        summary:
          'Import phones from CSV (text/csv): the whole file is validated first and written only if valid, in one transaction. ' +
          'A SIP Password (write-only) cell sets the SIP credentials (digest user: the SIP Digest User cell, else the current one, else the device name); an empty one changes nothing. ' +
          'With Accept: application/x-ndjson the answer streams progress lines, then the report.',
        consumes: ['text/csv'],
        response: { 200: reportSchema, 400: reportSchema },
      },
      handler: async (request, reply) => {
        if (!(request.body instanceof Readable))
          throw new ApiError('validation', 'send the file as text/csv', 'file');
        const body = request.body;
        if (String(request.headers.accept ?? '').includes('application/x-ndjson')) {
          reply.hijack();
          reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson' });
          const report = await csv.importPhones(body, (p) =>
            reply.raw.write(`${JSON.stringify({ progress: p })}\n`),
          );
          await auditImport(request, report);
          reply.raw.end(`${JSON.stringify({ report })}\n`);
          return;
        }
        const report = await csv.importPhones(body);
        if (body instanceof ByteLimit && body.exceeded) throw tooLarge();
        await auditImport(request, report);
        return reply.code(report.imported ? 200 : 400).send(report);
      },
    });
  };
