-- name: PutExchange :exec
INSERT INTO exchanges (name, bill_on_win, seat)
VALUES (@name, @bill_on_win, @seat)
ON CONFLICT (name) DO UPDATE
SET bill_on_win = excluded.bill_on_win, seat = excluded.seat;

-- name: AllExchanges :many
SELECT * FROM exchanges ORDER BY name;

-- name: PutRate :exec
INSERT INTO rates (currency, per_usd) VALUES (@currency, @per_usd)
ON CONFLICT (currency) DO UPDATE SET per_usd = excluded.per_usd;

-- name: AllRates :many
SELECT * FROM rates ORDER BY currency;

-- name: GetSettings :one
SELECT kill_switch FROM settings WHERE id = 1;

-- name: SetKillSwitch :exec
UPDATE settings SET kill_switch = @kill_switch WHERE id = 1;

-- name: Version :one
SELECT value FROM change_counter WHERE id = 1;

-- name: CreateToken :one
INSERT INTO api_tokens (name, role, hash, created_at)
VALUES (@name, @role, @hash, @created_at)
RETURNING *;

-- name: TokenByHash :one
SELECT * FROM api_tokens WHERE hash = @hash;

-- name: ListTokens :many
SELECT * FROM api_tokens ORDER BY id;

-- name: DeleteToken :execrows
DELETE FROM api_tokens WHERE id = @id;
