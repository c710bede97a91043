package store

import (
	"context"
	"database/sql"
	"fmt"

	"entgo.io/ent/dialect"
)

// The analytics tables are managed here rather than by ent: PostgreSQL partitions the raw
// events by day with native declarative partitioning, which ent's migrations cannot
// express. On SQLite the same tables are plain. The rollups (analytics_daily and the
// others) are keyed by the shop-local day as 'YYYY-MM-DD' text and carry counters that the
// analytics writer adds to; see internal/analytics.
//
// analytics_events is the raw log (not "events": that is the webhook outbox).
const analyticsEventColumns = `
	occurred_at %[1]s NOT NULL,
	day TEXT NOT NULL,
	name TEXT NOT NULL,
	source TEXT NOT NULL,
	client_id TEXT,
	session_id TEXT,
	session_key TEXT,
	customer_id BIGINT,
	ip_hash TEXT,
	page_url TEXT,
	referrer TEXT,
	utm_source TEXT,
	utm_medium TEXT,
	utm_campaign TEXT,
	product_id BIGINT,
	variant_id BIGINT,
	quantity INTEGER,
	search_term TEXT,
	result_count INTEGER,
	order_id BIGINT,
	amount BIGINT,
	data TEXT`

var analyticsRollups = []string{
	// Sessions per shop-local day with the funnel steps they reached (a bit set), where they
	// came from and the last search term: what lets each event update the rollups below
	// incrementally, once per session. Kept as long as the raw events.
	`CREATE TABLE IF NOT EXISTS analytics_sessions (
		day TEXT NOT NULL,
		session_key TEXT NOT NULL,
		steps INTEGER NOT NULL DEFAULT 0,
		referrer TEXT NOT NULL DEFAULT '',
		utm_source TEXT NOT NULL DEFAULT '',
		utm_medium TEXT NOT NULL DEFAULT '',
		utm_campaign TEXT NOT NULL DEFAULT '',
		search_term TEXT NOT NULL DEFAULT '',
		customer_id BIGINT,
		last_at BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (day, session_key))`,
	`CREATE INDEX IF NOT EXISTS analytics_sessions_customer ON analytics_sessions (customer_id)`,
	`CREATE TABLE IF NOT EXISTS analytics_daily (
		day TEXT NOT NULL PRIMARY KEY,
		sessions BIGINT NOT NULL DEFAULT 0,
		viewed BIGINT NOT NULL DEFAULT 0,
		added BIGINT NOT NULL DEFAULT 0,
		checkout BIGINT NOT NULL DEFAULT 0,
		converted BIGINT NOT NULL DEFAULT 0,
		orders BIGINT NOT NULL DEFAULT 0,
		revenue BIGINT NOT NULL DEFAULT 0)`,
	`CREATE TABLE IF NOT EXISTS analytics_product_daily (
		day TEXT NOT NULL,
		product_id BIGINT NOT NULL,
		views BIGINT NOT NULL DEFAULT 0,
		adds BIGINT NOT NULL DEFAULT 0,
		orders BIGINT NOT NULL DEFAULT 0,
		units BIGINT NOT NULL DEFAULT 0,
		revenue BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (day, product_id))`,
	`CREATE TABLE IF NOT EXISTS analytics_search_daily (
		day TEXT NOT NULL,
		term TEXT NOT NULL,
		searches BIGINT NOT NULL DEFAULT 0,
		results BIGINT NOT NULL DEFAULT 0,
		no_results BIGINT NOT NULL DEFAULT 0,
		clicks BIGINT NOT NULL DEFAULT 0,
		purchases BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (day, term))`,
	`CREATE TABLE IF NOT EXISTS analytics_traffic_daily (
		day TEXT NOT NULL,
		referrer TEXT NOT NULL,
		utm_source TEXT NOT NULL,
		utm_medium TEXT NOT NULL,
		utm_campaign TEXT NOT NULL,
		sessions BIGINT NOT NULL DEFAULT 0,
		orders BIGINT NOT NULL DEFAULT 0,
		PRIMARY KEY (day, referrer, utm_source, utm_medium, utm_campaign))`,
}

// migrateAnalytics creates the analytics tables when missing.
func migrateAnalytics(ctx context.Context, db *sql.DB, dialectName string) error {
	var stmts []string
	if dialectName == dialect.Postgres {
		stmts = append(stmts,
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS analytics_events (`+analyticsEventColumns+`) PARTITION BY RANGE (occurred_at)`, "TIMESTAMPTZ"),
			// Indexes on the partitioned table are created on every partition.
			`CREATE INDEX IF NOT EXISTS analytics_events_customer ON analytics_events (customer_id)`,
			`CREATE INDEX IF NOT EXISTS analytics_events_client ON analytics_events (client_id)`)
	} else {
		stmts = append(stmts,
			fmt.Sprintf(`CREATE TABLE IF NOT EXISTS analytics_events (id INTEGER PRIMARY KEY AUTOINCREMENT,`+analyticsEventColumns+`)`, "DATETIME"),
			`CREATE INDEX IF NOT EXISTS analytics_events_occurred ON analytics_events (occurred_at)`,
			`CREATE INDEX IF NOT EXISTS analytics_events_customer ON analytics_events (customer_id)`,
			`CREATE INDEX IF NOT EXISTS analytics_events_client ON analytics_events (client_id)`)
	}
	stmts = append(stmts, analyticsRollups...)
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("migrate analytics tables: %w", err)
		}
	}
	// Sessions of databases made before they kept their last event's time.
	var has int
	q := `SELECT COUNT(*) FROM pragma_table_info('analytics_sessions') WHERE name = 'last_at'`
	if dialectName == dialect.Postgres {
		q = `SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'analytics_sessions' AND column_name = 'last_at'`
	}
	if err := db.QueryRowContext(ctx, q).Scan(&has); err != nil {
		return fmt.Errorf("migrate analytics tables: %w", err)
	}
	if has == 0 {
		if _, err := db.ExecContext(ctx, `ALTER TABLE analytics_sessions ADD COLUMN last_at BIGINT NOT NULL DEFAULT 0`); err != nil {
			return fmt.Errorf("migrate analytics tables: %w", err)
		}
	}
	return nil
}
