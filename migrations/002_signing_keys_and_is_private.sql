-- The RSA key pair that signs RS256 user tokens, kept with the data so tokens outlive a restart.
CREATE TABLE signing_keys (
  kid         TEXT PRIMARY KEY,
  alg         TEXT NOT NULL CHECK (alg = 'RS256'),
  private_pem TEXT NOT NULL,
  created_at  INTEGER NOT NULL
);

-- Basic's key listing reports whether a key is private (a server-side secret); keys are private unless a fixture says otherwise.
ALTER TABLE api_keys ADD COLUMN is_private INTEGER NOT NULL DEFAULT 1 CHECK (is_private IN (0, 1));
