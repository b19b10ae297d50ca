/** An HTTP answer of the sandbox. */
export interface SandboxAnswer {
  status: number;
  body: object;
}

/** Meta's titles for the codes the sandbox answers with. */
const TITLES: Record<number, string> = {
  100: 'Invalid parameter',
  190: 'Invalid OAuth access token - Cannot parse access token',
  130429: 'Rate limit hit',
  131000: 'Something went wrong',
  131026: 'Message undeliverable',
  131047: 'Re-engagement message',
  131048: 'Spam rate limit hit',
  131049: 'This message was not delivered to maintain healthy ecosystem engagement.',
  131050: 'User has stopped marketing messages',
  131053: 'Media upload error',
  131056: '(Business Account, Consumer Account) pair rate limit hit',
  132000: 'Number of parameters does not match the expected number of params',
  132001: 'Template name does not exist in the translation',
  132012: 'Parameter format does not match format in the created template',
  132015: 'Template is Paused',
  132016: 'Template is Disabled',
};

/**
 * A Graph API error body the way Meta writes it. `details` never holds a phone number or text
 * from the request (the sandbox must not teach clients to expect that).
 *
 * @param code - Meta's error code.
 * @param status - The HTTP status (Meta's vary by code; clients must not rely on them).
 * @param details - `error_data.details`.
 * @returns The answer.
 */
export function graphError(code: number, status: number, details?: string): SandboxAnswer {
  const title = TITLES[code] ?? 'Unknown error';
  return {
    status,
    body: {
      error: {
        message: `(#${code}) ${title}`,
        type: code === 190 ? 'OAuthException' : 'OAuthException',
        code,
        error_data: { messaging_product: 'whatsapp', details: details ?? title },
        fbtrace_id: 'ASandboxTrace',
      },
    },
  };
}
