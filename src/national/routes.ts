import { Type } from 'typebox';
import type { FastifyRequest } from 'fastify';
import type { App } from '../platform/http.ts';
import { errorResponses } from '../platform/http.ts';
import { bearer, ctxOf, requireRole } from '../platform/context.ts';
import { handleMessage, refusalOf } from './gateway.ts';
import { NationalRefusal, answer } from './envelope.ts';
import { AppError } from '../platform/errors.ts';
import { registerNationalKey } from './keys.ts';

const Str = (description: string) => Type.String({ description });

/** The request envelope (docs/NATIONAL-INTERFACE.md); fields beyond these are accepted and covered by the signature. */
const EnvelopeSchema = Type.Object(
  {
    infno: Type.Optional(Str('Transaction code, e.g. 9001, 1101, 2207 (the path form may carry it instead)')),
    msgid: Type.String({
      description: 'fixmedins_code (12) + yyyyMMddHHmmss + sequence (4); unique',
      maxLength: 30,
    }),
    mdtrtarea_admvs: Type.Optional(Str('Treatment region')),
    insuplc_admdvs: Type.Optional(Str('Insured region; required when the input names a person')),
    recer_sys_code: Type.Optional(Str('Receiving system code')),
    dev_no: Type.Optional(Str('Device number')),
    dev_safe_info: Type.Optional(Str('Device security information')),
    cainfo: Str('SM3withSM2 signature (r‖s, hex or base64) of the canonical text of the message'),
    signtype: Str('SM2'),
    infver: Type.Optional(Str('Interface version')),
    opter_type: Str('1 staff, 2 kiosk, 3 mobile'),
    opter: Str('Operator code'),
    opter_name: Type.Optional(Str('Operator name')),
    inf_time: Str('yyyy-MM-dd HH:mm:ss, Beijing time; within 300 s of the server’s clock'),
    fixmedins_code: Str('The institution’s national code'),
    fixmedins_name: Type.Optional(Str('The institution’s name')),
    sign_no: Type.Optional(Str('From 9001; required by every other transaction')),
    enc_type: Type.Optional(Str('SM4: input (and output) are hex SM4-ECB ciphertext of their JSON')),
    input: Type.Unknown({ description: 'The transaction’s input, usually { data: {…} }' }),
  },
  { additionalProperties: true, $id: 'NationalRequest', title: 'NationalRequest' },
);

const AnswerSchema = Type.Object(
  {
    infcode: Type.Integer({ description: '0 success, -1 refused' }),
    inf_refmsgid: Str('region (6) + yyyyMMddHHmmss + sequence (10)'),
    refmsg_time: Str('yyyy-MM-dd HH:mm:ss'),
    respond_time: Str('yyyyMMddHHmmssSSS'),
    err_msg: Type.Union([Type.String(), Type.Null()], {
      description: 'On refusal: "<stable prefix>: explanation"',
    }),
    warn_msg: Type.Union([Type.String(), Type.Null()]),
    output: Type.Unknown({ description: 'The transaction’s output (hex SM4 ciphertext with enc_type SM4)' }),
  },
  { $id: 'NationalAnswer', title: 'NationalAnswer' },
);

const answerRef = (description: string) => Type.Ref('NationalAnswer', { description });

export async function nationalRoutes(app: App): Promise<void> {
  app.addSchema(EnvelopeSchema);
  app.addSchema(AnswerSchema);
  // On this interface every failure, even a malformed body or a bad credential, is answered in the envelope.
  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode;
    const client = !(err instanceof AppError) && status !== undefined && status >= 400 && status < 500;
    const refusal = refusalOf(
      client ? new NationalRefusal('malformed_request', (err as Error).message) : err,
      req.log,
      req.lang,
    );
    return reply.status(client ? status : 200).send(answer(req.server.clock(), '000000', null, refusal));
  });

  const schema = (operationId: string, summary: string, params?: ReturnType<typeof Type.Object>) => ({
    operationId,
    summary,
    description:
      'The national terminal interface for designated institutions (docs/NATIONAL-INTERFACE.md). Refusals are answered with HTTP 200 and `infcode: -1`; only a body that is not JSON gets a 4xx, in the same envelope.',
    tags: ['national'],
    security: bearer,
    ...(params ? { params } : {}),
    body: Type.Ref('NationalRequest'),
    response: {
      200: answerRef('The answer: infcode 0, or -1 with err_msg'),
      400: answerRef('The body is not JSON'),
      415: answerRef('The body is not application/json'),
    },
  });

  const handle = (req: FastifyRequest, pathInfno?: string) =>
    handleMessage(
      { ctx: ctxOf(req), keys: app.qrKeySets, secretKey: app.secretKey, log: req.log, lang: req.lang },
      req.caller,
      req.body,
      { pathInfno, validationError: req.validationError?.message },
    );

  app.post(
    '/fsi/api/callService',
    {
      schema: schema('nationalCallService', 'Any national transaction, named by infno'),
      attachValidation: true,
    },
    async (req) => handle(req),
  );
  app.post<{ Params: { infno: string } }>(
    '/fsi/api/:infno',
    {
      schema: schema(
        'nationalCallByInfno',
        'A national transaction, named in the path',
        Type.Object({ infno: Type.String({ maxLength: 20 }) }),
      ),
      attachValidation: true,
    },
    async (req) => handle(req, req.params.infno),
  );
}

/** The admin route that registers an institution's SM2 public key (and its SM4 key). */
export async function nationalAdminRoutes(app: App): Promise<void> {
  app.put(
    '/v1/admin/institutions/:id/national-key',
    {
      schema: {
        operationId: 'registerNationalKey',
        summary: 'Register the SM2 public key an institution’s HIS signs national messages with',
        description:
          'Replaces any earlier key. The SM4 key (for enc_type SM4) is the one given or a fresh random one; it is returned so it can be handed to the institution.',
        tags: ['institutions'],
        security: bearer,
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object({
          sm2PublicKey: Type.String({ description: '04 + x + y, 130 hex characters', maxLength: 130 }),
          sm4Key: Type.Optional(Type.String({ description: '32 hex characters', maxLength: 32 })),
        }),
        response: {
          200: Type.Object({
            institutionId: Type.String({ format: 'uuid' }),
            fixmedinsCode: Type.String(),
            sm2PublicKey: Type.String(),
            sm4Key: Type.String(),
            registeredAt: Type.String({ format: 'date-time' }),
          }),
          ...errorResponses(401, 403, 404),
        },
      },
    },
    async (req) => {
      const admin = requireRole(req, 'admin');
      return registerNationalKey(app.db, app.secretKey, {
        institutionId: req.params.id,
        sm2PublicKey: req.body.sm2PublicKey,
        sm4Key: req.body.sm4Key,
        by: admin.userId,
        now: app.clock(),
      });
    },
  );
}
