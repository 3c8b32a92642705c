import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { firmwareFileNameProblem } from '../../services/firmware-loads.js';
import type { FirmwareLoadStore } from '../../services/firmware-loads.js';
import { ApiError } from '../api-errors.js';
import { errorSchema } from '../schemas.js';

const fileSchema = z.object({ file: z.string(), size: z.number(), modifiedAt: z.string() });
const loadSchema = z.object({ loadId: z.string(), files: z.array(fileSchema) }).meta({ id: 'FirmwareLoad' });

export const firmwareLoadRoutes =
  (loads: FirmwareLoadStore): FastifyPluginAsyncZod =>
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
        response: { 201: z.object({ files: z.array(fileSchema) }), 400: errorSchema },
      },
      handler: async (request, reply) => {
        if (!request.isMultipart()) {
          throw new ApiError('validation', 'send the files as multipart/form-data', 'file');
        }
        const saved = [];
        for await (const part of request.files()) {
          const problem = firmwareFileNameProblem(part.filename);
          if (problem) {
            part.file.resume();
            throw new ApiError('validation', problem.message, problem.field);
          }
          saved.push(await loads.save(part.filename, part.file));
          if (part.file.truncated) {
            await loads.delete(part.filename);
            throw new ApiError('validation', `${part.filename} is larger than the upload limit`, 'file');
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
