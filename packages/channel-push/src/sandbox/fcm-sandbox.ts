import { generateKeyPairSync, randomBytes, verify, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A service-account JSON key as Google issues it (the fields FCM senders read). */
export interface FakeServiceAccount {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  token_uri: string;
}

/** One message the FCM sandbox accepted. */
export interface ReceivedFcm {
  token: string;
  /** The `message` object as sent, without the token. */
  message: Record<string, unknown>;
  name: string;
}

/** FCM error codes the sandbox can be told to answer for a token or the next requests. */
export type FcmSandboxError =
  | 'UNREGISTERED'
  | 'INVALID_ARGUMENT'
  | 'SENDER_ID_MISMATCH'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'THIRD_PARTY_AUTH_ERROR';

/** Options of {@link createFcmSandbox}. */
export interface FcmSandboxOptions {
  /** @defaultValue `"comune-jesi-app"` */
  projectId?: string;
  /** Lifetime of issued access tokens, seconds. @defaultValue 3599 */
  tokenLifetimeSeconds?: number;
  /** Time for JWT and token checks, epoch ms. @defaultValue `Date.now` */
  now?: () => number;
  /** Keep accepted messages in `messages`. @defaultValue true */
  keepMessages?: boolean;
}

/** Counters of what the sandbox saw. */
export interface FcmSandboxStats {
  /** Token endpoint requests, and how many of them were refused. */
  tokenRequests: number;
  tokenRefusals: number;
  sends: number;
  accepted: number;
  /** Refused sends by FCM error code or HTTP status name. */
  errors: Record<string, number>;
}

/** A local FCM HTTP v1 service with its OAuth2 token endpoint. */
export interface FcmSandbox {
  /** The FCM base URL: pass it as `baseUrl`. */
  readonly url: string;
  /** The token endpoint: pass it as `tokenUrl` (the service account's `token_uri`). */
  readonly tokenUrl: string;
  /** A service account the sandbox trusts (its key signs the assertions). */
  readonly serviceAccount: FakeServiceAccount;
  readonly messages: readonly ReceivedFcm[];
  readonly stats: FcmSandboxStats;
  /** A new app instance: its registration token. */
  register(): string;
  /** Answers every later send to `token` with `error`. */
  setTokenError(token: string, error: 'UNREGISTERED' | 'INVALID_ARGUMENT' | 'SENDER_ID_MISMATCH'): void;
  /** Answers the next `count` sends with `error` (and `Retry-After` when given). */
  failNext(count: number, error: FcmSandboxError, retryAfter?: string): void;
  /** Invalidates every access token issued so far (as a key rotation does): later sends get 401. */
  revokeAccessTokens(): void;
  close(): Promise<void>;
}

const STATUS: Record<FcmSandboxError, [number, string]> = {
  UNREGISTERED: [404, 'NOT_FOUND'],
  INVALID_ARGUMENT: [400, 'INVALID_ARGUMENT'],
  SENDER_ID_MISMATCH: [403, 'PERMISSION_DENIED'],
  QUOTA_EXCEEDED: [429, 'RESOURCE_EXHAUSTED'],
  UNAVAILABLE: [503, 'UNAVAILABLE'],
  INTERNAL: [500, 'INTERNAL'],
  THIRD_PARTY_AUTH_ERROR: [401, 'UNAUTHENTICATED'],
};
const SCOPES = new Set([
  'https://www.googleapis.com/auth/firebase.messaging',
  'https://www.googleapis.com/auth/cloud-platform',
]);
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{22}:APA91b[A-Za-z0-9_-]{134}$/;

/**
 * Starts an FCM HTTP v1 sandbox on 127.0.0.1, port 0, as strict as Google is: the token endpoint
 * checks the RS256 assertion (signature with the service account's key, `kid`, `iss`, `aud` equal
 * to the token URL, the messaging scope, `exp` at most an hour after `iat`, not expired) and
 * issues expiring bearer tokens; `messages:send` checks the bearer token, the project, exactly
 * one target, string-only `data`, Android priority and TTL, APNs header strings and the 4,096-byte
 * limit, and answers FCM's error bodies (`details[].errorCode`).
 *
 * @param options - See {@link FcmSandboxOptions}.
 * @returns The running sandbox.
 * @example
 * ```ts
 * const fcm = await createFcmSandbox()
 * const channel = createFcmChannel({ serviceAccount: fcm.serviceAccount, baseUrl: fcm.url, tokenUrl: fcm.tokenUrl })
 * const token = fcm.register()
 * ```
 */
export async function createFcmSandbox(options: FcmSandboxOptions = {}): Promise<FcmSandbox> {
  const projectId = options.projectId ?? 'comune-jesi-app';
  const lifetime = options.tokenLifetimeSeconds ?? 3599;
  const now = options.now ?? Date.now;
  const keep = options.keepMessages ?? true;
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = randomBytes(20).toString('hex');
  const registered = new Map<string, FcmSandboxError | undefined>();
  const accessTokens = new Map<string, number>();
  const scripted: { error: FcmSandboxError; retryAfter: string | undefined }[] = [];
  const messages: ReceivedFcm[] = [];
  const stats: FcmSandboxStats = { tokenRequests: 0, tokenRefusals: 0, sends: 0, accepted: 0, errors: {} };
  let origin = '';
  const account: FakeServiceAccount = {
    type: 'service_account',
    project_id: projectId,
    private_key_id: keyId,
    private_key: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    client_email: `banditore@${projectId}.iam.gserviceaccount.com`,
    token_uri: '',
  };

  const json = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    response.end(JSON.stringify(body));
  };
  const fcmError = (
    response: ServerResponse,
    error: FcmSandboxError | undefined,
    status: number,
    statusName: string,
    message: string,
    retryAfter?: string,
  ) => {
    stats.errors[error ?? statusName] = (stats.errors[error ?? statusName] ?? 0) + 1;
    const details = error
      ? [{ '@type': 'type.googleapis.com/google.firebase.fcm.v1.FcmError', errorCode: error }]
      : undefined;
    json(
      response,
      status,
      { error: { code: status, message, status: statusName, ...(details ? { details } : {}) } },
      retryAfter === undefined ? {} : { 'retry-after': retryAfter },
    );
  };

  const handleToken = (request: IncomingMessage, response: ServerResponse, body: string): void => {
    stats.tokenRequests++;
    const refuse = (description: string) => {
      stats.tokenRefusals++;
      json(response, 400, { error: 'invalid_grant', error_description: description });
    };
    if (request.method !== 'POST' || !/^application\/x-www-form-urlencoded/.test(request.headers['content-type'] ?? ''))
      return refuse('Bad Request');
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return refuse('Invalid grant_type');
    const problem = checkAssertion(form.get('assertion') ?? '', publicKey, keyId, account.client_email, origin, now());
    if (problem) return refuse(problem);
    const token = `ya29.${randomBytes(48).toString('base64url')}`;
    accessTokens.set(token, now() + lifetime * 1000);
    json(response, 200, { access_token: token, expires_in: lifetime, token_type: 'Bearer' });
  };

  const handleSend = (request: IncomingMessage, response: ServerResponse, body: string, project: string): void => {
    stats.sends++;
    const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    const expires = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (expires === undefined || expires <= now())
      return fcmError(response, undefined, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (project !== projectId)
      return fcmError(response, undefined, 403, 'PERMISSION_DENIED', 'Permission denied on the project.');
    const next = scripted.shift();
    if (next) {
      const [status, name] = STATUS[next.error];
      return fcmError(response, next.error, status, name, `Scripted ${next.error}`, next.retryAfter);
    }
    const invalid = (message: string) => fcmError(response, 'INVALID_ARGUMENT', 400, 'INVALID_ARGUMENT', message);
    if (Buffer.byteLength(body) > 4096 + 200) return invalid('Message is too big');
    let message: Record<string, unknown>;
    try {
      message = (JSON.parse(body) as { message: Record<string, unknown> }).message;
      if (typeof message !== 'object' || message === null) return invalid('Missing message');
    } catch {
      return invalid('Invalid JSON payload received.');
    }
    const targets = ['token', 'topic', 'condition'].filter((key) => key in message);
    if (targets.length !== 1) return invalid('Exactly one of token, topic or condition is required');
    const problem = messageProblem(message);
    if (problem) return invalid(problem);
    const token = message.token;
    if (typeof token !== 'string' || !TOKEN_SHAPE.test(token))
      return invalid('The registration token is not a valid FCM registration token');
    if (!registered.has(token))
      return fcmError(response, 'UNREGISTERED', 404, 'NOT_FOUND', 'Requested entity was not found.');
    const tokenError = registered.get(token);
    if (tokenError) {
      const [status, name] = STATUS[tokenError];
      const text =
        tokenError === 'INVALID_ARGUMENT'
          ? 'The registration token is not a valid FCM registration token'
          : `Token ${tokenError}`;
      return fcmError(response, tokenError, status, name, text);
    }
    stats.accepted++;
    const name = `projects/${projectId}/messages/0:${now()}%${randomBytes(8).toString('hex')}`;
    if (keep) {
      const { token: _token, ...rest } = message;
      messages.push({ token, message: rest, name });
    }
    json(response, 200, { name });
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = request.url ?? '';
      try {
        if (url === '/token') return handleToken(request, response, body);
        const send = /^\/v1\/projects\/([^/]+)\/messages:send$/.exec(url);
        if (send && request.method === 'POST') return handleSend(request, response, body, send[1]!);
        json(response, 404, { error: { code: 404, message: 'Not found', status: 'NOT_FOUND' } });
      } catch {
        if (!response.headersSent)
          json(response, 500, { error: { code: 500, message: 'Internal error', status: 'INTERNAL' } });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  account.token_uri = `${origin}/token`;

  return {
    url: origin,
    tokenUrl: `${origin}/token`,
    serviceAccount: account,
    messages,
    stats,
    register() {
      const token = `${randomBytes(17).toString('base64url').slice(0, 22)}:APA91b${randomBytes(101).toString('base64url').slice(0, 134)}`;
      registered.set(token, undefined);
      return token;
    },
    setTokenError(token, error) {
      registered.set(token, error);
    },
    failNext(count, error, retryAfter) {
      for (let index = 0; index < count; index++) scripted.push({ error, retryAfter });
    },
    revokeAccessTokens() {
      accessTokens.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Why an OAuth assertion is refused (Google's `error_description` wording), or `undefined`. */
function checkAssertion(
  assertion: string,
  publicKey: KeyObject,
  keyId: string,
  issuer: string,
  origin: string,
  nowMs: number,
): string | undefined {
  const parts = assertion.split('.');
  if (parts.length !== 3) return 'Invalid JWT: Token must be a short-lived token and in a reasonable timeframe';
  const [head, body, signature] = parts as [string, string, string];
  let header: { alg?: unknown; kid?: unknown };
  let claims: { iss?: unknown; scope?: unknown; aud?: unknown; iat?: unknown; exp?: unknown };
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString()) as typeof header;
    claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as typeof claims;
  } catch {
    return 'Invalid JWT';
  }
  if (header.alg !== 'RS256') return 'Invalid JWT: alg must be RS256';
  if (header.kid !== undefined && header.kid !== keyId) return 'Invalid JWT Signature.';
  const valid = verify('sha256', Buffer.from(`${head}.${body}`), publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) return 'Invalid JWT Signature.';
  if (claims.iss !== issuer) return 'Invalid issuer';
  if (claims.aud !== `${origin}/token`) return 'Invalid JWT: audience must be the token URL';
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').some((scope) => SCOPES.has(scope)))
    return 'Invalid OAuth scope or ID token audience provided.';
  const now = Math.floor(nowMs / 1000);
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return 'Invalid JWT: iat and exp are required';
  if (claims.exp - claims.iat > 3600 || claims.exp <= now || claims.iat > now + 300)
    return 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';
  return undefined;
}

/** FCM's checks on the message fields the channel sends. */
function messageProblem(message: Record<string, unknown>): string | undefined {
  const data = message.data;
  if (data !== undefined) {
    if (typeof data !== 'object' || data === null) return 'Invalid value at message.data';
    for (const [key, value] of Object.entries(data)) {
      if (typeof value !== 'string') return `Invalid value at 'message.data[${key}].value' (TYPE_STRING)`;
      if (key === 'from' || key === 'gcm' || key.startsWith('google')) return `Invalid data key ${key}`;
    }
  }
  const android = message.android as { priority?: unknown; ttl?: unknown } | undefined;
  if (android?.priority !== undefined && android.priority !== 'NORMAL' && android.priority !== 'HIGH')
    return 'Invalid value at message.android.priority';
  if (android?.ttl !== undefined && (typeof android.ttl !== 'string' || !/^\d+(\.\d{1,9})?s$/.test(android.ttl)))
    return 'Invalid value at message.android.ttl';
  if (android?.ttl !== undefined && Number.parseFloat(android.ttl) > 2_419_200)
    return 'message.android.ttl is over 4 weeks';
  const apns = message.apns as { headers?: Record<string, unknown> } | undefined;
  if (apns?.headers && Object.values(apns.headers).some((value) => typeof value !== 'string'))
    return 'Invalid value at message.apns.headers';
  return undefined;
}
