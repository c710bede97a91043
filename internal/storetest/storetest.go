// Package storetest gives tests a fresh, private database: SQLite in a temporary directory
// always, and PostgreSQL (a schema of its own in the database named by
// STOREFRONT_TEST_POSTGRES_URL) when that variable is set.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"storefront/internal/store"
)

// EnvPostgres names the variable that points tests at a PostgreSQL server.
const EnvPostgres = "STOREFRONT_TEST_POSTGRES_URL"

// Backend is one database a test can run on.
type Backend struct {
	Name string
	// URL opens this test's own database; several store.Open calls on it share its data.
	URL string
}

// Backends returns a new, empty SQLite database for t, plus a new, empty PostgreSQL schema
// when STOREFRONT_TEST_POSTGRES_URL is set. Both are removed when t ends.
func Backends(t testing.TB) []Backend {
	t.Helper()
	bs := []Backend{SQLite(t)}
	if pg, ok := Postgres(t); ok {
		bs = append(bs, pg)
	}
	return bs
}

// SQLite returns a new SQLite database file in t's temporary directory.
func SQLite(t testing.TB) Backend {
	return Backend{Name: "sqlite", URL: "sqlite:" + filepath.Join(t.TempDir(), "storefront.db")}
}

// Postgres returns a new schema of its own in the PostgreSQL database named by
// STOREFRONT_TEST_POSTGRES_URL, dropped when t ends; ok is false when the variable is unset.
func Postgres(t testing.TB) (b Backend, ok bool) {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return Backend{}, false
	}
	var buf [6]byte
	_, _ = rand.Read(buf[:])
	schema := "t_" + hex.EncodeToString(buf[:])
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(context.Background(), `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema on %s: %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", base)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return Backend{Name: "postgres", URL: u.String()}, true
}

// Open opens b's database, migrated, and closes it when t ends.
func (b Backend) Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), store.Config{URL: b.URL})
	if err != nil {
		t.Fatalf("open %s database: %v", b.Name, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Run runs f as a subtest once per backend.
func Run(t *testing.T, f func(t *testing.T, b Backend)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { f(t, b) })
	}
	if os.Getenv(EnvPostgres) == "" {
		t.Logf("PostgreSQL variant skipped: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run it", EnvPostgres)
	}
}
