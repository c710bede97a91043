// Package store opens the database (SQLite or PostgreSQL), configures it for concurrent
// use, migrates the schema and hands out the ent client every service works through.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"           // PostgreSQL driver
	_ "github.com/mattn/go-sqlite3" // SQLite driver (cgo)

	"storefront/ent"
	"storefront/internal/searchindex"
)

// DB is an open database: the ent client plus what raw queries need.
type DB struct {
	*ent.Client
	// Driver runs hand-built SQL through the same connection pool, statement counter and
	// (inside ent transactions) the same transaction as the client.
	Driver  dialect.Driver
	Dialect string
	SQL     *sql.DB
	// Search is the full-text index, kept current by hooks on the client.
	Search *searchindex.Index
	// Changes reports committed catalog writes made through this DB (caches subscribe).
	Changes *Changes
	// URL is the database URL the DB was opened with.
	URL string

	// path and file identify an SQLite database file as opened (nil for PostgreSQL).
	path     string
	file     os.FileInfo
	identity string
}

// Config says where the database is.
type Config struct {
	// URL is "postgres://…" for PostgreSQL, "sqlite:PATH" or a plain path for SQLite.
	URL string
	// MaxOpenConns bounds the pool (0 picks a default for the dialect).
	MaxOpenConns int
}

// Open connects, applies the connection settings the design requires and migrates the schema.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	dialectName, driverName, dsn, err := parseURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	var sqlDB *sql.DB
	if dialectName == dialect.Postgres {
		sqlDB, err = openPostgres(dsn)
	} else {
		sqlDB, err = sql.Open(driverName, dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialectName, err)
	}
	switch dialectName {
	case dialect.SQLite:
		// One writer at a time is SQLite's rule; readers run concurrently under WAL.
		n := cfg.MaxOpenConns
		if n == 0 {
			n = 8
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
	default:
		n := cfg.MaxOpenConns
		if n == 0 {
			n = 20
		}
		sqlDB.SetMaxOpenConns(n)
		sqlDB.SetMaxIdleConns(n)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqlDB.PingContext(pingCtx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", dialectName, err)
	}
	changes := &Changes{}
	drv := &countingDriver{Driver: entsql.OpenDB(dialectName, sqlDB), changes: changes}
	client := ent.NewClient(ent.Driver(drv))
	installHooks(client, dialectName)
	index := searchindex.New(dialectName)
	index.Install(client)
	if err := client.Schema.Create(ctx); err != nil {
		client.Close()
		return nil, fmt.Errorf("migrate schema: %w", err)
	}
	if err := index.Migrate(ctx, client); err != nil {
		client.Close()
		return nil, fmt.Errorf("migrate search index: %w", err)
	}
	if err := migrateAnalytics(ctx, sqlDB, dialectName); err != nil {
		client.Close()
		return nil, err
	}
	db := &DB{Client: client, Driver: drv, Dialect: dialectName, SQL: sqlDB, Search: index, Changes: changes, URL: cfg.URL}
	if dialectName == dialect.SQLite {
		if path := sqlitePath(dsn); path != ":memory:" {
			fi, err := os.Stat(path)
			if err != nil {
				client.Close()
				return nil, fmt.Errorf("database file: %w", err)
			}
			// The file holds customers' data, and another local account that can write
			// its -wal or -shm file can corrupt it or crash this process (SQLite maps -shm
			// into memory): owner only, the -wal and -shm files too.
			for _, f := range []string{path, path + "-wal", path + "-shm"} {
				if fi, err := os.Stat(f); err == nil && fi.Mode().Perm()&0o077 != 0 {
					if err := os.Chmod(f, fi.Mode().Perm()&0o700); err != nil {
						client.Close()
						return nil, fmt.Errorf("restrict database file: %w", err)
					}
				}
			}
			db.path, db.file = path, fi
		}
	}
	if db.identity, err = loadIdentity(ctx, db); err != nil {
		client.Close()
		return nil, err
	}
	return db, nil
}

// sqlitePath is the file named by an SQLite DSN ("file:PATH?params").
func sqlitePath(dsn string) string {
	path := strings.TrimPrefix(dsn, "file:")
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path = path[:i]
	}
	return path
}

// parseURL maps DATABASE_URL forms to a dialect, a database/sql driver and its DSN.
func parseURL(raw string) (dialectName, driverName, dsn string, err error) {
	switch {
	case raw == "":
		raw = "sqlite:storefront.db"
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		return dialect.Postgres, "postgres", raw, nil
	}
	path := strings.TrimPrefix(strings.TrimPrefix(raw, "sqlite://"), "sqlite:")
	if path == "" {
		return "", "", "", fmt.Errorf("database URL %q names no SQLite file", raw)
	}
	var query string
	if i := strings.IndexByte(path, '?'); i >= 0 {
		path, query = path[:i], path[i+1:]
	}
	params, err := url.ParseQuery(query)
	if err != nil {
		return "", "", "", fmt.Errorf("database URL %q: %w", raw, err)
	}
	set := func(k, v string) {
		if params.Get(k) == "" {
			params.Set(k, v)
		}
	}
	set("_fk", "1")
	set("_journal_mode", "WAL")
	set("_busy_timeout", "10000")
	set("_txlock", "immediate")
	set("_synchronous", "NORMAL")
	// Prepared statements kept per connection: a catalog read runs the same few statements
	// every time, and preparing them was ~7 % of a listing's CPU.
	set("_stmt_cache_size", "128")
	// SQLite's own per-connection mutex (mattn opens connections FULLMUTEX) is not needed:
	// database/sql never uses one connection from two goroutines at once and closes every
	// statement it prepares, and sqlite3_interrupt (cancellation) takes no lock. Locking
	// and unlocking it on every call was ~4 % of a listing's CPU (perf on the server).
	set("_mutex", "no")
	if path != ":memory:" {
		path = filepath.Clean(path)
	}
	return dialect.SQLite, searchindex.SQLiteDriver, "file:" + path + "?" + params.Encode(), nil
}
