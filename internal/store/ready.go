package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"

	"entgo.io/ent/dialect"
)

// identityTable holds one row: a random token written the first time the database is
// opened. Readiness compares it with the token read at open, so a server that lost its
// database (a SQLite file deleted or replaced, a DSN now pointing elsewhere) is not ready.
const identityTable = "storefront_identity"

// ErrNotReady wraps every readiness failure.
var ErrNotReady = errors.New("database not ready")

// loadIdentity creates the identity row when missing and returns its token.
func loadIdentity(ctx context.Context, db *DB) (string, error) {
	var b [16]byte
	_, _ = rand.Read(b[:])
	fresh := hex.EncodeToString(b[:])
	stmts := []string{
		`CREATE TABLE IF NOT EXISTS ` + identityTable + ` (id INTEGER PRIMARY KEY, token TEXT NOT NULL, checked_at TEXT)`,
		`INSERT INTO ` + identityTable + ` (id, token) VALUES (1, ` + db.ph(1) + `) ON CONFLICT (id) DO NOTHING`,
	}
	for i, q := range stmts {
		var args []any
		if i == 1 {
			args = []any{fresh}
		}
		if _, err := db.SQL.ExecContext(ctx, q, args...); err != nil {
			// Instances starting together on PostgreSQL may race to create the table.
			if _, err2 := db.SQL.ExecContext(ctx, q, args...); err2 != nil {
				return "", fmt.Errorf("database identity: %w", err)
			}
		}
	}
	var token string
	if err := db.SQL.QueryRowContext(ctx, `SELECT token FROM `+identityTable+` WHERE id = 1`).Scan(&token); err != nil {
		return "", fmt.Errorf("database identity: %w", err)
	}
	return token, nil
}

// ph is the n-th bind placeholder in the database's dialect.
func (db *DB) ph(n int) string {
	if db.Dialect == dialect.Postgres {
		return fmt.Sprintf("$%d", n)
	}
	return "?"
}

// Ready reports whether the database is still the one opened and accepts writes: for
// SQLite the file at the opened path is the same file (not deleted or replaced), and on
// both databases a write to the identity row carrying the token read at open succeeds.
func (db *DB) Ready(ctx context.Context) error {
	if db.file != nil {
		fi, err := os.Stat(db.path)
		if err != nil {
			return fmt.Errorf("%w: database file %s: %v", ErrNotReady, db.path, err)
		}
		if !os.SameFile(fi, db.file) {
			return fmt.Errorf("%w: database file %s was replaced since it was opened", ErrNotReady, db.path)
		}
	}
	res, err := db.SQL.ExecContext(ctx, `UPDATE `+identityTable+` SET checked_at = `+db.ph(1)+` WHERE id = 1 AND token = `+db.ph(2),
		time.Now().UTC().Format(time.RFC3339Nano), db.identity)
	if err != nil {
		return fmt.Errorf("%w: write: %v", ErrNotReady, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("%w: the database is not the one opened (identity row missing or different)", ErrNotReady)
	}
	return nil
}
