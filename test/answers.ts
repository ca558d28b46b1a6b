// The contract's fixed answers, as bytes, shared by every test that expects one (never copied per file).

export const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'

export interface FixedAnswer {
  status: number
  body: { error: string, message?: string }
  /** The WWW-Authenticate header, when the answer has one. */
  challenge?: string
}

export const MISSING: FixedAnswer = {
  status: 401,
  body: { error: 'Unauthorized', message: 'Authentication required: send Authorization: Bearer <token>' },
  challenge: 'Bearer realm="basic-admin"'
}

export const INVALID: FixedAnswer = {
  status: 401,
  body: { error: 'Unauthorized', message: 'The bearer token is invalid, expired or revoked' },
  challenge: 'Bearer realm="basic-admin", error="invalid_token"'
}

export const SCOPE: FixedAnswer = {
  status: 401,
  body: { error: 'Unauthorized', message: 'This credential may not manage API keys of this project' },
  challenge: 'Bearer realm="basic-admin", error="insufficient_scope"'
}

export const NOT_FOUND: FixedAnswer = { status: 404, body: { error: 'API key not found' } }

/** Status, body and challenge of an answer, to compare with a FixedAnswer in one assertion. */
export function fixed (res: { status?: number, statusCode?: number, headers: Record<string, unknown>, body: string }): FixedAnswer {
  const challenge = res.headers['www-authenticate']
  return {
    status: res.status ?? res.statusCode!,
    body: JSON.parse(res.body) as FixedAnswer['body'],
    ...(typeof challenge === 'string' ? { challenge } : {})
  }
}
