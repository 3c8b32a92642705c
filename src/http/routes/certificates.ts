import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CertificateProblem } from '../../services/certificates/certificate-check.js';
import type {
  CertificateService,
  CertificateStatus,
} from '../../services/certificates/certificate-service.js';
import { ValidationError } from '../../services/configuration-service.js';
import { errorSchema } from '../schemas.js';

/** What System > Certificate Management works on. */
export interface CertificateAdmin {
  service: Pick<CertificateService, 'status' | 'replace' | 'regenerate'>;
  /** What the node's plain HTTP port does (--http-mode). */
  httpMode: 'redirect' | 'off' | 'serve';
  nodeName: string;
}

/** A PEM text of one certificate chain or key: a few kB; a chain of 8 certificates stays far below. */
const MAX_PEM_CHARS = 65_536;

const certificateSchema = z
  .object({
    node: z.string(),
    subject: z.string(),
    issuer: z.string(),
    subjectAltNames: z.array(z.string()).describe('"DNS:name" and "IP Address:address" entries'),
    validFrom: z.string(),
    validTo: z.string(),
    fingerprintSha256: z.string().describe('SHA-256 of the certificate, hex pairs joined by ":"'),
    spkiSha256: z.string().describe('SHA-256 of the public key (base64), for public-key pinning'),
    serialNumber: z.string(),
    selfSigned: z.boolean(),
    chainLength: z.number().int(),
    keyType: z.string(),
    warning: z.string().nullable().describe('set when the certificate expires within 30 days, or has'),
    httpMode: z.enum(['redirect', 'off', 'serve']),
    httpWarning: z
      .string()
      .nullable()
      .describe('set when the node serves its administration without TLS (--http-mode serve)'),
  })
  .meta({ id: 'Certificate' });

const replaceSchema = z.strictObject({
  certificate: z
    .string()
    .max(MAX_PEM_CHARS)
    .describe('PEM: the certificate, then any intermediate certificates, each issued by the next'),
  privateKey: z.string().max(MAX_PEM_CHARS).describe('PEM, unencrypted: the key of the first certificate'),
});

/** The serve-mode warning shown on the dashboard and Certificate Management. */
export function httpModeWarning(mode: CertificateAdmin['httpMode']): string | null {
  return mode === 'serve'
    ? 'the administration is served over plain HTTP (--http-mode serve): passwords and session cookies cross the network in clear unless a TLS proxy is in front of the node'
    : null;
}

const audited = (s: CertificateStatus) => ({
  subject: s.subject,
  issuer: s.issuer,
  validTo: s.validTo,
  fingerprintSha256: s.fingerprintSha256,
});

/** System > Certificate Management: the node's HTTPS (and SIP over TLS) certificate. */
export const certificateRoutes =
  (admin: CertificateAdmin): FastifyPluginAsyncZod =>
  async (app) => {
    const tags = ['System > Certificate Management'];
    const view = (status: CertificateStatus) => ({
      ...status,
      node: admin.nodeName,
      httpMode: admin.httpMode,
      httpWarning: httpModeWarning(admin.httpMode),
    });
    app.get('/certificate', {
      schema: {
        tags,
        summary:
          "This node's certificate: subject, names, issuer, validity, SHA-256 fingerprint; a warning 30 days before it expires",
        response: { 200: certificateSchema },
      },
      handler: () => view(admin.service.status()),
    });
    app.put('/certificate', {
      bodyLimit: 4 * MAX_PEM_CHARS,
      schema: {
        tags,
        summary:
          'Replace the certificate (or chain, leaf first) and its key: checked, stored, then presented to every new HTTPS and SIP over TLS connection without a restart',
        body: replaceSchema,
        response: { 200: certificateSchema, 400: errorSchema },
      },
      handler: async (request) => {
        const before = admin.service.status();
        let after: CertificateStatus;
        try {
          after = await admin.service.replace(request.body);
        } catch (error) {
          if (error instanceof CertificateProblem) throw new ValidationError(error.problem);
          throw error;
        }
        // Never the key: the audit records what the certificate is, not what it holds secret.
        await request.audit({
          action: 'replace',
          target: 'certificate',
          targetName: admin.nodeName,
          before: audited(before),
          after: audited(after),
        });
        return view(after);
      },
    });
    app.post('/certificate/regenerate', {
      schema: {
        tags,
        summary: 'Make a new key and self-signed certificate for this node and present it from now on',
        response: { 200: certificateSchema },
      },
      handler: async (request) => {
        const before = admin.service.status();
        const after = await admin.service.regenerate();
        await request.audit({
          action: 'regenerate',
          target: 'certificate',
          targetName: admin.nodeName,
          before: audited(before),
          after: audited(after),
        });
        return view(after);
      },
    });
  };
