-- name: CreateCreative :one
INSERT INTO creatives (
	campaign_id, name, status, format, w, h, mimes, duration_s, protocols,
	native_assets, markup, adomain, categories, attributes, click_url, bundle
) VALUES (
	@campaign_id, @name, @status, @format, @w, @h, @mimes, @duration_s,
	@protocols, @native_assets, @markup, @adomain, @categories, @attributes,
	@click_url, @bundle
)
RETURNING *;

-- name: UpdateCreative :execrows
UPDATE creatives SET
	campaign_id = @campaign_id, name = @name, status = @status,
	format = @format, w = @w, h = @h, mimes = @mimes,
	duration_s = @duration_s, protocols = @protocols,
	native_assets = @native_assets, markup = @markup, adomain = @adomain,
	categories = @categories, attributes = @attributes, click_url = @click_url,
	bundle = @bundle
WHERE id = @id;

-- name: GetCreative :one
SELECT * FROM creatives WHERE id = @id;

-- name: ListCreatives :many
SELECT * FROM creatives
WHERE id > @after_id
	AND (@status::text = '' OR status = @status::text)
	AND (@parent_id::bigint = 0 OR campaign_id = @parent_id::bigint)
	AND (@name::text = '' OR strpos(lower(name), lower(@name::text)) > 0)
ORDER BY id
LIMIT @max_rows;

-- name: AllCreatives :many
SELECT * FROM creatives ORDER BY id;
