package store

import (
	"context"
	"errors"
	"fmt"

	"entgo.io/ent/dialect"

	"storefront/ent"
)

// WithTx runs f in one transaction: committed when f returns nil, rolled back when it
// returns an error or panics.
func WithTx(ctx context.Context, db *DB, f func(tx *ent.Tx) error) (err error) {
	tx, err := db.Tx(ctx)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := f(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return errors.Join(err, fmt.Errorf("roll back: %w", rerr))
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// WithLazyTx is WithTx for writes whose commit need not wait for the write-ahead log to
// reach the disk: on PostgreSQL it runs with synchronous_commit off, so the commit returns
// before the flush (a few milliseconds on a disk that syncs for real) and a database crash
// in the next moments can lose it, never half of it. Use it only where such a loss leaves
// a state the application recovers from, or where a later synchronous commit of the same
// request follows before anything depends on it (the log is flushed in order, so that
// commit makes this one durable too). On SQLite it is WithTx.
func WithLazyTx(ctx context.Context, db *DB, f func(tx *ent.Tx) error) error {
	if db.Dialect != dialect.Postgres {
		return WithTx(ctx, db, f)
	}
	return WithTx(ctx, db, func(tx *ent.Tx) error {
		if _, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit TO OFF"); err != nil {
			return fmt.Errorf("commit lazily: %w", err)
		}
		return f(tx)
	})
}
