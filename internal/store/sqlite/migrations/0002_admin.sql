-- 0002_admin: what the admin API needs beyond the bidder's tables: global
-- settings (the kill switch) and the API tokens.

-- settings holds one row. Changing it bumps change_counter like any other
-- input of the bid index, so that every node sees the kill switch within
-- one reload interval.
CREATE TABLE settings (
	id          INTEGER PRIMARY KEY CHECK (id = 1),
	kill_switch INTEGER NOT NULL DEFAULT 0 CHECK (kill_switch IN (0, 1))
);

INSERT INTO settings (id, kill_switch) VALUES (1, 0);

CREATE TRIGGER settings_au AFTER UPDATE ON settings
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;

-- api_tokens keeps only the SHA-256 hash of each secret: a copy of the
-- database does not let anyone call the admin API.
CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	role       TEXT    NOT NULL CHECK (role IN ('reader', 'operator')),
	hash       BLOB    NOT NULL UNIQUE CHECK (length(hash) = 32),
	created_ms INTEGER NOT NULL
);
