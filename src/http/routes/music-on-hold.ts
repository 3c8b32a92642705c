import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AudioSourceError } from '../../media/audio-source.js';
import type { MusicOnHoldAdmin } from '../../media/music-on-hold-admin.js';
import type { LimitReporter } from '../../services/limit-log.js';
import { ApiError } from '../api-errors.js';
import { errorSchema } from '../schemas.js';

const statusSchema = z
  .object({
    audioSource: z.object({
      kind: z.enum(['default-tone', 'uploaded']),
      seconds: z.number(),
      uploadedAt: z.string().nullable(),
    }),
    streams: z.number(),
    maxStreams: z.number(),
    source: z.object({ address: z.string(), port: z.number() }).nullable(),
  })
  .meta({ id: 'MusicOnHold' });

/** Media Resources > Music On Hold Audio Source: what held phones hear, and the streams now. */
export const musicOnHoldRoutes =
  (music: MusicOnHoldAdmin, limits: LimitReporter, maxBytes: number): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['Media Resources > Music On Hold'];
    app.get('/moh', {
      schema: {
        tags,
        summary: 'The music on hold audio source, the streams playing now and where held phones receive from',
        response: { 200: statusSchema },
      },
      handler: () => music.status(),
    });
    app.post('/moh/audio-source', {
      schema: {
        tags,
        summary:
          'Upload the audio source (multipart/form-data, one "file" part): a WAV file, 8000 Hz mono, 16-bit PCM or G.711 µ-law/A-law; stored with the node’s data and played from the next hold on',
        consumes: ['multipart/form-data'],
        response: {
          200: statusSchema,
          400: errorSchema,
          413: errorSchema.describe(
            'larger than --moh-max-audio-source-bytes; the audio source is unchanged',
          ),
        },
      },
      handler: async (request) => {
        if (!request.isMultipart())
          throw new ApiError(
            'validation',
            'send the WAV file as multipart/form-data, in a part named "file"',
            'file',
          );
        const part = await request.file({ limits: { fileSize: maxBytes } });
        if (!part) throw new ApiError('validation', 'no file in the upload', 'file');
        const content = await part.toBuffer().catch((error: Error) => {
          if (!part.file.truncated)
            throw new ApiError(
              'validation',
              `the upload is incomplete or malformed (${error.message}); send it again`,
              'file',
            );
          return null;
        });
        if (!content || part.file.truncated) {
          limits.reached(
            'mohMaxAudioSourceBytes',
            { address: request.ip, user: request.principal?.name },
            `music on hold audio source ${part.filename} refused: larger than ${maxBytes} bytes (--moh-max-audio-source-bytes)`,
          );
          throw new ApiError(
            'too-large',
            `${part.filename} is larger than ${maxBytes} bytes (--moh-max-audio-source-bytes); the audio source is unchanged`,
            'file',
          );
        }
        try {
          const status = await music.upload(content);
          request.log.info(
            { file: part.filename, seconds: status.audioSource.seconds },
            'music on hold audio source uploaded',
          );
          return status;
        } catch (error) {
          if (error instanceof AudioSourceError)
            throw new ApiError('validation', `${part.filename}: ${error.message}`, error.field);
          throw error;
        }
      },
    });
    app.delete('/moh/audio-source', {
      schema: {
        tags,
        summary: 'Remove the uploaded audio source: held phones hear the default tone from the next hold on',
        response: { 200: statusSchema },
      },
      handler: () => music.reset(),
    });
  };
