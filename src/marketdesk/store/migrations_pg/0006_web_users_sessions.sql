-- Accounts that may sign in to the web desk (`marketdesk admin create`) and their signed-in
-- browsers (issue 12): SQLite's 0007 in PostgreSQL's own types. A session's cookie token is
-- never stored, only its SHA-256 in hex, so a copy of the database signs nobody in.
CREATE TABLE users (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username            text NOT NULL UNIQUE,
    password_hash       text NOT NULL,      -- argon2id, with its parameters and salt
    created_at          timestamptz NOT NULL,
    password_changed_at timestamptz NOT NULL
);

CREATE TABLE web_sessions (
    token_hash text PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
