/**
 * IAM authentication tokens for RDS Proxy: signed locally (SigV4 presign, no network call) and valid
 * for 15 minutes. MySQL only checks the token when a connection is opened, so a token is needed once
 * per new physical connection; caching it avoids signing on every connect and keeps credential-provider
 * hiccups off the connect path.
 */
import { Signer } from '@aws-sdk/rds-signer';

/** RDS IAM tokens are valid for 15 minutes from signing. */
const TOKEN_VALIDITY_MS = 15 * 60_000;

export interface IamTokenCacheOptions {
  /** Signs a fresh token. */
  readonly sign: () => Promise<string>;
  /** Age after which a token is replaced (in the background while it is still comfortably valid). @default 10 minutes */
  readonly refreshAfterMs?: number;
  /** Validity of a signed token. @default 15 minutes */
  readonly validityMs?: number;
  /**
   * A cached token is never handed out closer than this to its expiry: the connection handshake
   * (and clock skew) must fit in what is left. @default 2 minutes, capped at half the validity
   */
  readonly safetyMarginMs?: number;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
  /** Called when a background refresh fails (the still-valid token keeps being served). */
  readonly onRefreshError?: (error: unknown) => void;
}

/**
 * Caches one token and refreshes it with a single in-flight signing call:
 * - younger than `refreshAfterMs`: served from the cache;
 * - older, but with more than `safetyMarginMs` left: served, and one background refresh starts;
 * - otherwise (or none yet): callers wait for the (shared) refresh.
 */
export class IamTokenCache {
  /** How many tokens have been signed (metrics, tests). */
  public signatures = 0;
  private current?: { readonly token: string; readonly signedAt: number };
  private inFlight?: Promise<string>;
  private readonly refreshAfterMs: number;
  private readonly usableForMs: number;
  private readonly now: () => number;

  constructor(private readonly options: IamTokenCacheOptions) {
    const validity = options.validityMs ?? TOKEN_VALIDITY_MS;
    const margin = Math.min(options.safetyMarginMs ?? 2 * 60_000, validity / 2);
    this.usableForMs = validity - margin;
    this.refreshAfterMs = Math.min(options.refreshAfterMs ?? 10 * 60_000, this.usableForMs);
    this.now = options.now ?? Date.now;
  }

  /** A token that stays valid long enough to open a connection with it. */
  public async getToken(): Promise<string> {
    const current = this.current;
    if (current) {
      const age = this.now() - current.signedAt;
      if (age < this.refreshAfterMs) return current.token;
      if (age < this.usableForMs) {
        this.refresh().catch((error: unknown) => this.options.onRefreshError?.(error));
        return current.token;
      }
    }
    return this.refresh();
  }

  /** Signs a new token; concurrent callers share one signing call. */
  private refresh(): Promise<string> {
    this.inFlight ??= (async () => {
      // Age counts from before signing: the token's X-Amz-Date is never older than this.
      const signedAt = this.now();
      try {
        const token = await this.options.sign();
        this.signatures += 1;
        this.current = { token, signedAt };
        return token;
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }
}

export interface RdsTokenTarget {
  /** The endpoint the client connects to (the RDS Proxy endpoint): the token is bound to it. */
  readonly hostname: string;
  readonly port: number;
  readonly username: string;
  readonly region: string;
}

/**
 * `@aws-sdk/rds-signer` for the proxy endpoint. Credentials come from the default provider chain
 * (the ECS task role in AWS; environment variables locally).
 */
export function rdsTokenSigner(target: RdsTokenTarget): () => Promise<string> {
  const signer = new Signer(target);
  return () => signer.getAuthToken();
}
