import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { FirmwareTooLargeError, firmwareFileNameProblem } from '../../services/firmware-loads.js';
import type { FirmwareLoadStore } from '../../services/firmware-loads.js';
import type { LimitReporter } from '../../services/limit-log.js';
import { ApiError } from '../api-errors.js';
import { errorSchema } from '../schemas.js';

const fileSchema = z.object({ file: z.string(), size: z.number(), modifiedAt: z.string() });
const loadSchema = z.object({ loadId: z.string(), files: z.array(fileSchema) }).meta({ id: 'FirmwareLoad' });

/**
 * An error while reading a part is the upload's fault (cut short, malformed multipart) unless the
 * file system raised it; either way save() kept the stored file.
 */
function incompleteUpload(error: unknown, file: string): unknown {
  if (!(error instanceof Error) || 'syscall' in error || error instanceof ApiError) return error;
  return new ApiError(
    'validation',
    `the upload of ${file} is incomplete or malformed (${error.message}), so it was not stored; a file of that name stored before is kept. Send it again`,
    'file',
  );
}

export const firmwareLoadRoutes =
  (loads: FirmwareLoadStore, limits: LimitReporter): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Device > Firmware Loads'];
    app.get('/firmware-loads', {
      schema: {
        tags,
        summary: 'Uploaded firmware loads, grouped by load id',
        response: { 200: z.array(loadSchema) },
      },
      handler: () => loads.loads(),
    });
    app.post('/firmware-loads', {
      schema: {
        tags,
        summary:
          'Upload firmware files (multipart/form-data, one or more "file" parts); served over TFTP and HTTP by name',
        consumes: ['multipart/form-data'],
        response: {
          201: z.object({ files: z.array(fileSchema) }),
          400: errorSchema,
          413: errorSchema.describe('a file is larger than --firmware-max-file-bytes; nothing was replaced'),
        },
      },
      handler: async (request, reply) => {
        if (!request.isMultipart()) {
          throw new ApiError('validation', 'send the files as multipart/form-data', 'file');
        }
        const saved = [];
        // The parser stops each file at the limit and marks it truncated; save() then keeps the old file.
        for await (const part of request.files({ limits: { fileSize: loads.maxFileBytes } })) {
          const problem = firmwareFileNameProblem(part.filename);
          if (problem) {
            part.file.resume();
            throw new ApiError('validation', problem.message, problem.field);
          }
          try {
            saved.push(await loads.save(part.filename, part.file, () => part.file.truncated));
          } catch (error) {
            if (!(error instanceof FirmwareTooLargeError)) throw incompleteUpload(error, part.filename);
            limits.reached(
              'firmwareMaxFileBytes',
              { address: request.ip, user: request.principal?.name },
              `firmware upload of ${error.file} refused: larger than ${error.maxBytes} bytes (--firmware-max-file-bytes)`,
            );
            throw new ApiError('too-large', error.message, 'file');
          }
        }
        if (saved.length === 0) throw new ApiError('validation', 'no file in the upload', 'file');
        request.log.info({ files: saved.map((f) => f.file) }, 'firmware uploaded');
        return reply.code(201).send({ files: saved });
      },
    });
    app.delete('/firmware-loads/:file', {
      schema: {
        tags,
        summary: 'Delete one firmware file',
        params: z.object({ file: z.string() }),
        response: { 204: z.null(), 404: errorSchema },
      },
      handler: async (request, reply) => {
        if (!(await loads.delete(request.params.file))) {
          throw new ApiError('not-found', `firmware file ${request.params.file} does not exist`);
        }
        return reply.code(204).send(null);
      },
    });
  };
