-- 0001_init: the first schema of the embedded store.
--
-- Conventions: money is INTEGER micros of the campaign's currency; times are
-- INTEGER unix milliseconds in UTC (NULL where the Go value is the zero
-- time); list fields are JSON arrays in TEXT, '[]' when empty.

CREATE TABLE advertisers (
	id     INTEGER PRIMARY KEY,
	name   TEXT    NOT NULL,
	domain TEXT    NOT NULL DEFAULT '',
	status TEXT    NOT NULL CHECK (status IN ('active', 'paused', 'archived'))
);

CREATE TABLE campaigns (
	id                 INTEGER PRIMARY KEY,
	advertiser_id      INTEGER NOT NULL REFERENCES advertisers (id),
	name               TEXT    NOT NULL,
	status             TEXT    NOT NULL
		CHECK (status IN ('active', 'paused', 'archived')),
	start_ms           INTEGER,
	end_ms             INTEGER,
	time_zone          TEXT    NOT NULL DEFAULT '',
	currency           TEXT    NOT NULL DEFAULT '',
	total_budget       INTEGER NOT NULL DEFAULT 0 CHECK (total_budget >= 0),
	daily_budget       INTEGER NOT NULL DEFAULT 0 CHECK (daily_budget >= 0),
	bid_price          INTEGER NOT NULL,
	freq_cap_count     INTEGER NOT NULL DEFAULT 0,
	freq_cap_window_ms INTEGER NOT NULL DEFAULT 0,
	exchanges          TEXT    NOT NULL DEFAULT '[]',
	countries          TEXT    NOT NULL DEFAULT '[]',
	regions            TEXT    NOT NULL DEFAULT '[]',
	device_types       TEXT    NOT NULL DEFAULT '[]',
	os                 TEXT    NOT NULL DEFAULT '[]',
	domains_allow      TEXT    NOT NULL DEFAULT '[]',
	domains_block      TEXT    NOT NULL DEFAULT '[]',
	bundles_allow      TEXT    NOT NULL DEFAULT '[]',
	bundles_block      TEXT    NOT NULL DEFAULT '[]',
	publishers         TEXT    NOT NULL DEFAULT '[]',
	blocked_categories TEXT    NOT NULL DEFAULT '[]',
	deals              TEXT    NOT NULL DEFAULT '[]',
	segments           TEXT    NOT NULL DEFAULT '[]',
	hours_of_week      TEXT    NOT NULL DEFAULT '[]',
	channels           TEXT    NOT NULL DEFAULT '[]',
	updated_at_ms      INTEGER NOT NULL
);

CREATE INDEX campaigns_advertiser ON campaigns (advertiser_id);

CREATE TABLE creatives (
	id            INTEGER PRIMARY KEY,
	campaign_id   INTEGER NOT NULL REFERENCES campaigns (id),
	name          TEXT    NOT NULL DEFAULT '',
	status        TEXT    NOT NULL
		CHECK (status IN ('active', 'paused', 'archived')),
	format        TEXT    NOT NULL
		CHECK (format IN ('banner', 'video', 'audio', 'native')),
	w             INTEGER NOT NULL DEFAULT 0,
	h             INTEGER NOT NULL DEFAULT 0,
	mimes         TEXT    NOT NULL DEFAULT '[]',
	duration_s    INTEGER NOT NULL DEFAULT 0,
	protocols     TEXT    NOT NULL DEFAULT '[]',
	native_assets TEXT    NOT NULL DEFAULT '[]',
	markup        TEXT    NOT NULL,
	adomain       TEXT    NOT NULL DEFAULT '[]',
	categories    TEXT    NOT NULL DEFAULT '[]',
	attributes    TEXT    NOT NULL DEFAULT '[]'
);

CREATE INDEX creatives_campaign ON creatives (campaign_id);

CREATE TABLE exchanges (
	name        TEXT    PRIMARY KEY,
	bill_on_win INTEGER NOT NULL DEFAULT 0 CHECK (bill_on_win IN (0, 1)),
	seat        TEXT    NOT NULL DEFAULT ''
);

-- per_usd: micros of the currency that one US dollar buys.
CREATE TABLE rates (
	currency TEXT    PRIMARY KEY,
	per_usd  INTEGER NOT NULL CHECK (per_usd > 0)
);

-- The ledger and the notice record carry no foreign keys on purpose: a
-- billing notice for a campaign removed by hand must still be recorded.
CREATE TABLE ledger (
	bid_id       TEXT    PRIMARY KEY,
	campaign_id  INTEGER NOT NULL,
	creative_id  INTEGER NOT NULL,
	price_micros INTEGER NOT NULL,
	day          TEXT    NOT NULL,
	charged_at   INTEGER NOT NULL
);

CREATE INDEX ledger_campaign_day ON ledger (campaign_id, day);

CREATE TABLE spend_daily (
	campaign_id INTEGER NOT NULL,
	day         TEXT    NOT NULL,
	micros      INTEGER NOT NULL,
	PRIMARY KEY (campaign_id, day)
) WITHOUT ROWID;

CREATE TABLE notices (
	bid_id       TEXT    NOT NULL,
	kind         TEXT    NOT NULL,
	campaign_id  INTEGER NOT NULL,
	price_micros INTEGER NOT NULL DEFAULT 0,
	reason       INTEGER NOT NULL DEFAULT 0,
	at_ms        INTEGER NOT NULL,
	PRIMARY KEY (bid_id, kind)
) WITHOUT ROWID;

-- change_counter holds one row whose value the triggers below bump on every
-- change of what the bid index is compiled from, including edits made with
-- the sqlite3 shell, so that Version sees them too.
CREATE TABLE change_counter (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	value INTEGER NOT NULL
);

INSERT INTO change_counter (id, value) VALUES (1, 1);

CREATE TRIGGER advertisers_ai AFTER INSERT ON advertisers
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER advertisers_au AFTER UPDATE ON advertisers
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER advertisers_ad AFTER DELETE ON advertisers
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER campaigns_ai AFTER INSERT ON campaigns
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER campaigns_au AFTER UPDATE ON campaigns
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER campaigns_ad AFTER DELETE ON campaigns
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER creatives_ai AFTER INSERT ON creatives
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER creatives_au AFTER UPDATE ON creatives
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER creatives_ad AFTER DELETE ON creatives
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER exchanges_ai AFTER INSERT ON exchanges
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER exchanges_au AFTER UPDATE ON exchanges
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER exchanges_ad AFTER DELETE ON exchanges
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;

CREATE TRIGGER rates_ai AFTER INSERT ON rates
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER rates_au AFTER UPDATE ON rates
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER rates_ad AFTER DELETE ON rates
BEGIN UPDATE change_counter SET value = value + 1 WHERE id = 1; END;
