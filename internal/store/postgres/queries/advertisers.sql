-- name: CreateAdvertiser :one
INSERT INTO advertisers (name, domain, status)
VALUES (@name, @domain, @status)
RETURNING id;

-- name: GetAdvertiser :one
SELECT * FROM advertisers WHERE id = @id;

-- name: ListAdvertisers :many
SELECT * FROM advertisers
WHERE id > @after_id
	AND (@status::text = '' OR status = @status::text)
	AND (@name::text = '' OR strpos(lower(name), lower(@name::text)) > 0)
ORDER BY id
LIMIT @max_rows;

-- name: UpdateAdvertiser :execrows
UPDATE advertisers SET name = @name, domain = @domain, status = @status
WHERE id = @id;

-- name: AllAdvertisers :many
SELECT * FROM advertisers ORDER BY id;
