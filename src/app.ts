import Fastify from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import rateLimit from '@fastify/rate-limit';
import { catalogueRoutes } from './catalogue/routes.ts';
import { claimRoutes } from './claims/routes.ts';
import { randomUUID } from 'node:crypto';
import type { Db } from './platform/db.ts';
import type { Config } from './platform/config.ts';
import type { Caller } from './platform/context.ts';
import { unauthorized } from './platform/errors.ts';
import { ErrorBody, installErrorHandler, type App } from './platform/http.ts';
import { installLocale } from './i18n/fastify.ts';
import { maskIdNumbersIn } from './platform/mask.ts';
import { strictBodyValidator } from './platform/validation.ts';
import { resolveSession } from './accounts/sessions.ts';
import { resolveTerminal } from './institutions/store.ts';
import { institutionRoutes } from './institutions/routes.ts';
import { familyRoutes } from './family/routes.ts';
import { settlementRoutes } from './settlement/routes.ts';
import { eligibilityRoutes } from './settlement/eligibility.ts';
import { contributionRoutes, statementRoutes } from './contributions/routes.ts';
import { accountRoutes } from './accounts/routes.ts';
import { peopleRoutes } from './people/routes.ts';
import { identityRoutes } from './people/identity-routes.ts';
import { registryRoutes } from './people/registry-routes.ts';
import { employerRoutes } from './employers/routes.ts';
import { notificationRoutes } from './notifications/routes.ts';
import { ledgerRoutes } from './ledger/routes.ts';
import { systemRoutes } from './platform/system-routes.ts';
import { loadSecretKey } from './platform/secrets.ts';
import { paymentPinKey } from './cards/payment-pin.ts';
import { KeyRingCache } from './qr/store.ts';
import { qrRoutes } from './qr/routes.ts';
import { policyRoutes } from './settlement/policy-routes.ts';
import { PolicyRulesSchema } from './settlement/policy.ts';
import { cardRoutes } from './cards/routes.ts';
import { esscRoutes } from './essc/routes.ts';
import { mirrorPhysicalCard } from './essc/mirror.ts';
import { onPhysicalCardChange } from './cards/events.ts';
import { webRoutes } from './web/static.ts';
import { nationalAdminRoutes, nationalRoutes } from './national/routes.ts';
import { regionRoutes } from './regions/routes.ts';

export interface AppOptions {
  db: Db;
  config: Config;
  /** The clock every request reads; tests move it. */
  clock?: () => Date;
  logger?: boolean;
  /** Serve the built web apps at `/` (default: when they have been built). */
  web?: boolean;
}

/** A bearer token is resolved by the first authenticator that knows its prefix. */
type Authenticator = (db: Db, token: string, now: Date) => Promise<Caller | null>;
const authenticators: Array<{ prefix: string; resolve: Authenticator }> = [
  { prefix: 'yb_', resolve: (db, token, now) => resolveSession(db, token, now) },
  { prefix: 'ybt_', resolve: (db, token, now) => resolveTerminal(db, token, now) },
];

/** Builds the whole HTTP API on the given store. Nothing listens until the caller does. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const { config } = opts;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
            serializers: {
              // URLs may carry ID numbers in query strings: never log them in clear.
              req: (req: { method: string; url: string; id: string }) => ({
                method: req.method,
                url: maskIdNumbersIn(req.url),
                id: req.id,
              }),
            },
          },
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    schemaController: { compilersFactory: { buildValidator: strictBodyValidator() } },
  }).withTypeProvider<import('@fastify/type-provider-typebox').TypeBoxTypeProvider>() as unknown as App;

  app.decorate('db', opts.db);
  app.decorate('config', config);
  app.decorate('clock', opts.clock ?? (() => new Date()));
  const secretKey = loadSecretKey({
    envValue: config.secretKeyHex,
    mode: config.mode,
    dataDir: config.dataDir,
  });
  const qrKeySets = {
    ecard: new KeyRingCache(opts.db, secretKey, 'ecard'),
    essc: new KeyRingCache(opts.db, secretKey, 'essc'),
  };
  app.decorate('qrKeys', qrKeySets.ecard);
  app.decorate('qrKeySets', qrKeySets);
  // The e-SSC follows its physical card: loss, replacement and cancellation call it in their transaction.
  onPhysicalCardChange(mirrorPhysicalCard);
  app.decorate('paymentPinKey', paymentPinKey(secretKey));
  app.decorate('secretKey', secretKey);
  // Set by src/server.ts when the process serves a region of the federation (`yibao serve --region`).
  app.decorate('regions', null);
  app.decorateRequest('caller', null);
  installLocale(app);
  app.addSchema(ErrorBody);
  app.addSchema({ ...PolicyRulesSchema, $id: 'PolicyRules', title: 'PolicyRules' });
  installErrorHandler(app);

  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({
      statusCode: 429,
      code: 'rate_limited',
      message: `Too many attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s`,
    }),
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Yibao API',
        version: '0.1.0',
        description:
          'Electronic medical insurance cards and their real-time settlement. Errors always have the body `{ error: { code, message, details?, requestId } }`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/', description: 'This server' }],
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Token from POST /v1/auth/login' },
        },
      },
      tags: [
        { name: 'system', description: 'Health and API description' },
        { name: 'auth', description: 'Registration, login and sessions' },
        { name: 'me', description: 'What a person reads and does about themselves' },
        { name: 'identity', description: 'Identity verification and staff review' },
        { name: 'registry', description: 'The population registry that identity is checked against' },
        { name: 'employers', description: 'Employers and their employees' },
        { name: 'admin', description: 'Administration: offices and staff accounts' },
        { name: 'qr', description: 'Dynamic QR codes: signing keys, issuing and scanning' },
        {
          name: 'institutions',
          description: 'Designated hospitals and pharmacies, their staff, terminals and scan audit',
        },
        { name: 'terminal', description: 'What a terminal (hospital HIS, pharmacy POS) calls' },
        { name: 'family', description: 'Family binding: mutual aid and family card display' },
        {
          name: 'settlement',
          description: 'Real-time settlement, receipts, refunds and daily reconciliation',
        },
        {
          name: 'contributions',
          description: 'Premium rules, monthly contribution runs, arrears and the records people are owed',
        },
        {
          name: 'national',
          description:
            'The national terminal interface (infno transactions) that existing HIS and POS software speaks',
        },
        { name: 'policy', description: 'Regional policy versions (deductible, ceiling, ratios)' },
        {
          name: 'catalogue',
          description: 'The agency’s catalogues (versions, terminal downloads), item mappings and approvals',
        },
        {
          name: 'claims',
          description: 'The agency’s review of settled claims: flags, a sampled queue, decisions',
        },
        {
          name: 'regions',
          description:
            'Cross-region direct settlement: filings for treatment in another region, clearing and reconciliation between regions',
        },
        { name: 'ledger', description: 'The double-entry ledger: individual account balances and movements' },
        {
          name: 'cards',
          description: 'Physical social security cards: applications, issue, activation, loss, replacement',
        },
        {
          name: 'ecard',
          description: 'The electronic medical insurance card (e-voucher): apply, authorise, activate, pay',
        },
        {
          name: 'essc',
          description:
            'The electronic social security card (national social security card platform): issuance in a channel, linked to the physical card, second-level issuance',
        },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  app.addHook('onRequest', async (req) => {
    const header = req.headers.authorization;
    if (!header) return;
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized('invalid_token', 'Authorization must be "Bearer <token>"');
    const token = match[1]!;
    const auth = authenticators.find((a) => token.startsWith(a.prefix));
    const caller = auth ? await auth.resolve(app.db, token, app.clock()) : null;
    if (!caller) throw unauthorized('invalid_token', 'The token is unknown or has expired; log in again');
    req.caller = caller;
  });

  await app.register(systemRoutes);
  await app.register(accountRoutes);
  await app.register(peopleRoutes);
  await app.register(identityRoutes);
  await app.register(registryRoutes);
  await app.register(employerRoutes);
  await app.register(notificationRoutes);
  await app.register(qrRoutes);
  await app.register(eligibilityRoutes);
  await app.register(policyRoutes);
  await app.register(ledgerRoutes);
  await app.register(cardRoutes);
  await app.register(esscRoutes);
  await app.register(institutionRoutes);
  await app.register(familyRoutes);
  await app.register(settlementRoutes);
  await app.register(contributionRoutes);
  await app.register(statementRoutes);
  await app.register(catalogueRoutes);
  await app.register(claimRoutes);
  await app.register(nationalAdminRoutes);
  await app.register(nationalRoutes);
  await app.register(regionRoutes);
  if (opts.web !== false) await webRoutes(app);
  return app;
}
