import type { FastifyRequest } from 'fastify';
import type { Db } from './db.ts';
import type { Config } from './config.ts';
import { badRequest, forbidden, unauthorized } from './errors.ts';

export type Role = 'person' | 'staff' | 'employer' | 'institution' | 'admin' | 'terminal';

/** Who is calling, resolved once per request from the bearer token. */
export interface Caller {
  userId: string;
  role: Role;
  /** Person behind a `person` account. */
  personId: string | null;
  employerId: string | null;
  /** Staff office; staff act within its region. */
  officeId: string | null;
  institutionId: string | null;
  terminalId: string | null;
  /** The region this caller acts in (person's region, staff office's region, ...), when it has one. */
  regionCode: string | null;
  /**
   * A terminal's institution takes electronic cards, read with the terminal's credential (one round trip
   * fewer per QR payment); absent for other callers.
   */
  acceptsEcard?: boolean;
}

/** What every domain function takes first: the store, the caller, the clock, the configuration. */
export interface Ctx {
  db: Db;
  caller: Caller | null;
  now: Date;
  config: Config;
  /** The key of the e-card payment PIN HMAC, derived from the server's secret key (src/cards/payment-pin.ts). */
  paymentPinKey: Buffer;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyInstance {
    db: Db;
    config: Config;
    clock: () => Date;
    /** See `Ctx.paymentPinKey`. */
    paymentPinKey: Buffer;
    /** The installation's secret key (src/platform/secrets.ts), for sealing secrets at rest. */
    secretKey: Buffer;
  }
}

/** The context of one request. */
export function ctxOf(req: FastifyRequest): Ctx {
  return {
    db: req.server.db,
    caller: req.caller,
    now: req.server.clock(),
    config: req.server.config,
    paymentPinKey: req.server.paymentPinKey,
  };
}

/** The caller, who must hold one of `roles`; otherwise 401 (anonymous) or 403 (wrong role). */
export function requireRole(req: FastifyRequest, ...roles: Role[]): Caller {
  const caller = req.caller;
  if (!caller) throw unauthorized('unauthenticated', 'Log in first: send Authorization: Bearer <token>');
  if (!roles.includes(caller.role)) {
    throw forbidden('wrong_role', `This route is for ${roles.join(' or ')} accounts, not ${caller.role}`);
  }
  return caller;
}

/** A person caller's own person id. */
export function requirePerson(req: FastifyRequest): Caller & { personId: string } {
  const caller = requireRole(req, 'person');
  return caller as Caller & { personId: string };
}

/** Security requirement for OpenAPI on every authenticated route. */
/**
 * The region a caller acts on: their own (staff office, institution, person), or the one an administrator names
 * (`?region=…`), who has none of their own.
 */
export function actingRegion(caller: Caller, asked: string | undefined): string {
  const region = caller.role === 'admin' ? asked : caller.regionCode;
  if (!region) throw badRequest('validation_failed', 'Name the region (?region=…)', { field: 'region' });
  return region;
}

export const bearer = [{ bearerAuth: [] }];

/** OpenAPI: this route needs no credentials. */
export const publicRoute: Array<Record<string, string[]>> = [];
