-- 0002_budget_grants: budget allowances leased by the nodes of a fleet.
--
-- A grant is an amount of a campaign's budget, in micros, that one node may
-- bid with until expires_at. Lease adds a grant only while the campaign's
-- spend in the ledger plus the unexpired grants of every node stay within
-- the budget, so the fleet as a whole bids within it.
CREATE TABLE budget_grants (
	id          BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	campaign_id BIGINT      NOT NULL,
	node        TEXT        NOT NULL,
	-- day is the campaign-local day whose daily budget the grant counts to.
	day         TEXT        NOT NULL,
	micros      BIGINT      NOT NULL CHECK (micros > 0),
	expires_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX budget_grants_campaign ON budget_grants (campaign_id, expires_at);
