package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"nordbid/internal/store"
	"nordbid/internal/store/postgres/query"
)

// Settings returns the global settings.
func (db *DB) Settings(ctx context.Context) (store.Settings, error) {
	var s store.Settings
	err := db.run(ctx, func(q *query.Queries) (err error) {
		s.KillSwitch, err = q.GetSettings(ctx)
		return err
	})
	if err != nil {
		return store.Settings{}, fmt.Errorf("settings: %w", err)
	}
	return s, nil
}

// SetKillSwitch stops (on) or resumes bidding on every node; it moves the
// version, so that each node's next index carries it.
func (db *DB) SetKillSwitch(ctx context.Context, on bool) error {
	err := db.run(ctx, func(q *query.Queries) error { return q.SetKillSwitch(ctx, on) })
	if err != nil {
		return fmt.Errorf("set kill switch: %w", err)
	}
	return nil
}

func tokenFrom(r query.ApiToken) store.Token {
	return store.Token{ID: r.ID, Name: r.Name, Role: store.Role(r.Role), Hash: r.Hash,
		Created: r.CreatedAt.UTC()}
}

// CreateToken stores t and returns it with its ID; a zero t.Created is set
// to now. Times are kept to the microsecond.
func (db *DB) CreateToken(ctx context.Context, t store.Token) (store.Token, error) {
	if t.Created.IsZero() {
		t.Created = time.Now()
	}
	var r query.ApiToken
	err := db.run(ctx, func(q *query.Queries) (err error) {
		r, err = q.CreateToken(ctx, query.CreateTokenParams{
			Name: t.Name, Role: string(t.Role), Hash: t.Hash, CreatedAt: t.Created,
		})
		return err
	})
	if err != nil {
		return store.Token{}, fmt.Errorf("create token: %w", err)
	}
	return tokenFrom(r), nil
}

// TokenByHash returns the token with the hash, or an error wrapping
// store.ErrNotFound.
func (db *DB) TokenByHash(ctx context.Context, hash []byte) (store.Token, error) {
	var r query.ApiToken
	err := db.run(ctx, func(q *query.Queries) (err error) {
		r, err = q.TokenByHash(ctx, hash)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no token with this hash: %w", store.ErrNotFound)
		}
		return err
	})
	if err != nil {
		return store.Token{}, fmt.Errorf("token by hash: %w", err)
	}
	return tokenFrom(r), nil
}

// ListTokens returns every token in ID order.
func (db *DB) ListTokens(ctx context.Context) ([]store.Token, error) {
	var rows []query.ApiToken
	err := db.run(ctx, func(q *query.Queries) (err error) {
		rows, err = q.ListTokens(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return mapAll(rows, tokenFrom), nil
}

// DeleteToken removes the token with id, or returns an error wrapping
// store.ErrNotFound.
func (db *DB) DeleteToken(ctx context.Context, id int64) error {
	err := db.run(ctx, func(q *query.Queries) error {
		n, err := q.DeleteToken(ctx, id)
		if err != nil {
			return err
		}
		return missing(n, "token", id)
	})
	if err != nil {
		return fmt.Errorf("delete token: %w", err)
	}
	return nil
}
