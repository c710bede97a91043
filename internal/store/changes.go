package store

import (
	"strings"
	"sync"
	"sync/atomic"
)

// Changes tells subscribers, after the fact, that the catalog changed: a statement that
// writes a catalog table (products, variants and their stock, images, options, collections,
// pages, menus, the shop, discounts, shipping and tax rates, …) ran outside a transaction,
// or a transaction that ran one committed. It watches the SQL itself, so writes through
// ent, hand-built SQL (checkout's stock decrement) and any later API are all seen. Writes to
// tables of buyers' own data (carts, customers, sessions, search terms) are not
// catalog changes.
type Changes struct {
	mu   sync.Mutex
	subs []func()
	n    atomic.Int64
}

// Subscribe calls f after every catalog change, on the writer's goroutine; f must be quick.
func (c *Changes) Subscribe(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.subs = append(c.subs, f)
}

// Count is the number of catalog changes seen so far.
func (c *Changes) Count() int64 { return c.n.Load() }

func (c *Changes) changed() {
	c.n.Add(1)
	c.mu.Lock()
	subs := c.subs
	c.mu.Unlock()
	for _, f := range subs {
		f()
	}
}

// privateTables hold buyers' own data or bookkeeping: writing them changes no catalog read.
// Orders and their lines are not among them: product recommendations read what was bought
// together.
var privateTables = map[string]bool{
	"carts": true, "cart_lines": true, "customers": true, "customer_access_tokens": true,
	"login_attempts": true, "password_reset_tokens": true, "mailing_addresses": true,
	"fulfillments": true, "completion_attempts": true,
	"counters": true, "discount_redemptions": true, "events": true,
	"cart_metafields": true, "api_keys": true, "audit_events": true,
	identityTable: true,
}

// writesCatalog says whether query writes a table other than the private ones. Statements
// it cannot read (DDL, anything unusual) count as writes, so a change is never missed.
func writesCatalog(query string) bool {
	q := strings.TrimSpace(query)
	verb, rest, _ := strings.Cut(q, " ")
	switch strings.ToUpper(verb) {
	case "SELECT", "SAVEPOINT", "RELEASE", "PRAGMA", "BEGIN", "COMMIT", "ROLLBACK", "SET", "SHOW", "EXPLAIN":
		return false
	case "INSERT", "REPLACE":
		// INSERT [OR …] INTO table
		_, rest, _ = strings.Cut(rest, "INTO ")
	case "DELETE":
		_, rest, _ = strings.Cut(rest, "FROM ")
	case "UPDATE":
	case "WITH":
		// A read unless it writes (ent and this code write with plain statements).
		u := strings.ToUpper(q)
		if !strings.Contains(u, "INSERT ") && !strings.Contains(u, "UPDATE ") && !strings.Contains(u, "DELETE ") {
			return false
		}
		return true
	default:
		return true
	}
	table, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	table, _, _ = strings.Cut(table, "(")
	table = strings.Trim(table, "\"`")
	// The analytics tables (and their PostgreSQL partitions) are the analytics writer's.
	return !privateTables[table] && !strings.HasPrefix(table, "analytics_")
}
