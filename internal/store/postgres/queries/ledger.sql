-- name: Charge :execrows
-- Charge records one billed bid and adds its price to the day's spend in
-- one statement: the insert yields a row only for a bid id not yet in the
-- ledger, so a repeat, from this node or any other, changes nothing and
-- affects zero rows.
WITH charged AS (
	INSERT INTO ledger (bid_id, campaign_id, creative_id, price_micros, day, charged_at)
	VALUES (@bid_id, @campaign_id, @creative_id, @price_micros, @day, @charged_at)
	ON CONFLICT (bid_id) DO NOTHING
	RETURNING campaign_id, day, price_micros
)
INSERT INTO spend_daily (campaign_id, day, micros)
SELECT campaign_id, day, price_micros FROM charged
ON CONFLICT (campaign_id, day)
DO UPDATE SET micros = spend_daily.micros + excluded.micros;

-- name: RecordNotice :execrows
INSERT INTO notices (bid_id, kind, campaign_id, price_micros, reason, at)
VALUES (@bid_id, @kind, @campaign_id, @price_micros, @reason, @at)
ON CONFLICT (bid_id, kind) DO NOTHING;

-- name: SpendTotals :many
SELECT campaign_id, sum(micros)::bigint AS total
FROM spend_daily
GROUP BY campaign_id
ORDER BY campaign_id;

-- name: SpendOnDays :many
SELECT campaign_id, day, micros FROM spend_daily
WHERE day = ANY(@days::text[]);
