-- Users, projects, memberships and API keys. Times are epoch milliseconds (UTC).
CREATE TABLE users (
  id         TEXT PRIMARY KEY,
  email      TEXT NOT NULL,
  name       TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);

CREATE TABLE projects (
  id         TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;

-- Only the SHA-256 of a key's secret is kept; the secret is shown once, at creation.
CREATE TABLE api_keys (
  id         TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  label      TEXT NOT NULL,
  roles      TEXT NOT NULL,
  key_hash   BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_used  INTEGER
);

CREATE INDEX api_keys_by_project ON api_keys (project_id, created_at);
