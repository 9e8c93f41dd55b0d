/**
 * Refusals of the dynamic QR token. Each is an AppError with a stable code, so the HTTP layer
 * answers them like every other business refusal and a terminal can branch on `code`.
 */
import { AppError } from '../platform/errors.ts';

/** The text is not a token of a format we know (wrong prefix, bad Base45, wrong length, bad field). */
export class QrTokenMalformed extends AppError {
  constructor(message = 'QR token is malformed', details?: Record<string, unknown>) {
    super(400, 'qr_malformed', message, details);
    this.name = 'QrTokenMalformed';
  }
}

/** Well-formed, signed by a key we know, but the signature does not match the bytes. */
export class QrTokenBadSignature extends AppError {
  constructor(message = 'QR token signature is invalid', details?: Record<string, unknown>) {
    super(422, 'qr_bad_signature', message, details);
    this.name = 'QrTokenBadSignature';
  }
}

/** The key id is not one that verifies now (never known, or retired past its grace period). */
export class QrTokenUnknownKey extends AppError {
  constructor(message = 'QR token was signed by an unknown key', details?: Record<string, unknown>) {
    super(422, 'qr_unknown_key', message, details);
    this.name = 'QrTokenUnknownKey';
  }
}

/** The token's lifetime (plus the allowed clock skew) is over: the person must refresh the code. */
export class QrTokenExpired extends AppError {
  constructor(message = 'QR token has expired', details?: Record<string, unknown>) {
    super(422, 'qr_expired', message, details);
    this.name = 'QrTokenExpired';
  }
}

/** Issued further in the future than the allowed clock skew: a wrong clock somewhere, or a forgery. */
export class QrTokenNotYetValid extends AppError {
  constructor(message = 'QR token is not valid yet', details?: Record<string, unknown>) {
    super(422, 'qr_not_yet_valid', message, details);
    this.name = 'QrTokenNotYetValid';
  }
}

/** The token's nonce was already consumed (thrown by the server, which records consumed nonces). */
export class QrTokenReplayed extends AppError {
  constructor(message = 'QR token was already used', details?: Record<string, unknown>) {
    super(409, 'qr_replayed', message, details);
    this.name = 'QrTokenReplayed';
  }
}

/** The token is genuine but the e-card is frozen (e.g. after a loss report). */
export class QrCardFrozen extends AppError {
  constructor(message = 'The e-card is frozen', details?: Record<string, unknown>) {
    super(422, 'qr_card_frozen', message, details);
    this.name = 'QrCardFrozen';
  }
}

/** The token is genuine but the e-card has been revoked. */
export class QrCardRevoked extends AppError {
  constructor(message = 'The e-card is revoked', details?: Record<string, unknown>) {
    super(422, 'qr_card_revoked', message, details);
    this.name = 'QrCardRevoked';
  }
}
