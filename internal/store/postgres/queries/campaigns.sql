-- name: CreateCampaign :one
INSERT INTO campaigns (
	advertiser_id, name, status, starts_at, ends_at, time_zone, currency,
	total_budget, daily_budget, bid_price, freq_cap_count, freq_cap_window_ms,
	exchanges, countries, regions, device_types, os, domains_allow,
	domains_block, bundles_allow, bundles_block, publishers,
	blocked_categories, deals, segments, hours_of_week, channels, updated_at
) VALUES (
	@advertiser_id, @name, @status, @starts_at, @ends_at, @time_zone, @currency,
	@total_budget, @daily_budget, @bid_price, @freq_cap_count, @freq_cap_window_ms,
	@exchanges, @countries, @regions, @device_types, @os, @domains_allow,
	@domains_block, @bundles_allow, @bundles_block, @publishers,
	@blocked_categories, @deals, @segments, @hours_of_week, @channels,
	date_trunc('milliseconds', clock_timestamp())
)
RETURNING *;

-- name: UpdateCampaign :execrows
UPDATE campaigns SET
	advertiser_id = @advertiser_id, name = @name, status = @status,
	starts_at = @starts_at, ends_at = @ends_at, time_zone = @time_zone,
	currency = @currency, total_budget = @total_budget,
	daily_budget = @daily_budget, bid_price = @bid_price,
	freq_cap_count = @freq_cap_count, freq_cap_window_ms = @freq_cap_window_ms,
	exchanges = @exchanges, countries = @countries, regions = @regions,
	device_types = @device_types, os = @os, domains_allow = @domains_allow,
	domains_block = @domains_block, bundles_allow = @bundles_allow,
	bundles_block = @bundles_block, publishers = @publishers,
	blocked_categories = @blocked_categories, deals = @deals,
	segments = @segments, hours_of_week = @hours_of_week,
	channels = @channels,
	updated_at = date_trunc('milliseconds', clock_timestamp())
WHERE id = @id;

-- name: GetCampaign :one
SELECT * FROM campaigns WHERE id = @id;

-- name: ListCampaigns :many
SELECT * FROM campaigns
WHERE id > @after_id
	AND (@status::text = '' OR status = @status::text)
	AND (@parent_id::bigint = 0 OR advertiser_id = @parent_id::bigint)
	AND (@name::text = '' OR strpos(lower(name), lower(@name::text)) > 0)
ORDER BY id
LIMIT @max_rows;

-- name: AllCampaigns :many
SELECT * FROM campaigns ORDER BY id;
