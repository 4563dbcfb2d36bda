-- name: Lease :one
-- Lease grants @node up to @want micros of a campaign's budget for
-- @ttl_ms milliseconds, as much as its total and daily budgets
-- (0 = unlimited) leave after the ledger's spend and the other nodes'
-- unexpired grants. The grant replaces the node's earlier ones for the
-- campaign: the node's spend from them is in the ledger by now, and what it
-- did not spend is offered again, so a renewal never strands budget. It runs in a SERIALIZABLE transaction, so that two nodes leasing
-- at once cannot both take the same remainder; no row means nothing was
-- left to grant.
WITH arg AS (
	SELECT @campaign_id::bigint AS campaign_id, @day::text AS day,
		@want::bigint AS want, @total_budget::bigint AS total_budget,
		@daily_budget::bigint AS daily_budget, @ttl_ms::bigint AS ttl_ms
),
expired AS (
	DELETE FROM budget_grants g
	USING arg
	WHERE g.campaign_id = arg.campaign_id
		AND (g.expires_at <= now() OR g.node = @node)
),
spent AS (
	SELECT coalesce(sum(s.micros), 0)::bigint AS total,
		coalesce(sum(s.micros) FILTER (WHERE s.day = arg.day), 0)::bigint AS today
	FROM arg LEFT JOIN spend_daily s ON s.campaign_id = arg.campaign_id
),
held AS (
	SELECT coalesce(sum(g.micros), 0)::bigint AS total,
		coalesce(sum(g.micros) FILTER (WHERE g.day = arg.day), 0)::bigint AS today
	FROM arg LEFT JOIN budget_grants g
		ON g.campaign_id = arg.campaign_id AND g.expires_at > now() AND g.node <> @node
),
offer AS (
	SELECT least(
		arg.want,
		CASE WHEN arg.total_budget > 0
			THEN arg.total_budget - spent.total - held.total
			ELSE arg.want END,
		CASE WHEN arg.daily_budget > 0
			THEN arg.daily_budget - spent.today - held.today
			ELSE arg.want END
	) AS micros
	FROM arg, spent, held
)
INSERT INTO budget_grants (campaign_id, node, day, micros, expires_at)
SELECT arg.campaign_id, @node, arg.day, offer.micros,
	now() + arg.ttl_ms * interval '1 millisecond'
FROM arg, offer
WHERE offer.micros > 0
RETURNING micros;
