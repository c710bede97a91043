package analytics

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"storefront/internal/reports"
	"storefront/internal/store"
)

// Funnel steps a session reached, as bits of analytics_sessions.steps.
const (
	stepViewed = 1 << iota
	stepAdded
	stepCheckout
	stepConverted
)

var stepOf = map[string]int{
	ProductViewed:      stepViewed,
	ProductAddedToCart: stepAdded,
	CheckoutStarted:    stepCheckout,
	CheckoutCompleted:  stepConverted,
}

// SessionTimeout is how long a session runs on past midnight without an event: an event
// of a new day joins the session of the same key begun the day before when it comes within
// this time of that session's last event, so a session is counted once, on the day it
// began.
const SessionTimeout = 30 * time.Minute

type session struct {
	steps                          int
	lastAt                         int64 // its latest event, Unix seconds
	referrer, source, medium, camp string
	term                           string
	customerID                     int
	isNew, changed                 bool
}

type dailyRow struct{ sessions, viewed, added, checkout, converted, orders, revenue int64 }
type productKey struct {
	day string
	id  int
}
type productRow struct{ views, adds, orders, units, revenue int64 }
type termKey struct{ day, term string }
type termRow struct{ searches, results, noResults, clicks, purchases int64 }
type trafficKey struct{ day, referrer, source, medium, campaign string }
type trafficRow struct{ sessions, orders int64 }
type sessKey struct{ day, key string }

// Write stores a batch of events and adds what they change to the rollups, in one
// transaction: the raw events, the sessions they belong to (in the shop's time zone's
// days) and the daily, per-product, per-search-term and per-source counters. On
// PostgreSQL an advisory lock makes the writers of several instances take turns, so a
// session's first event is counted once. parts caches the partitions known to exist.
func Write(ctx context.Context, db *store.DB, batch []Event, parts map[string]bool) error {
	if len(batch) == 0 {
		return nil
	}
	loc, err := reports.ShopLocation(ctx, db.SQL)
	if err != nil {
		return err
	}
	// A session's steps are taken in the order they happened, whatever order they came in.
	sort.SliceStable(batch, func(i, j int) bool { return batch[i].At.Before(batch[j].At) })
	pg := db.Dialect == dialect.Postgres
	if pg {
		lo, hi := batch[0].At, batch[0].At
		for _, e := range batch {
			if e.At.Before(lo) {
				lo = e.At
			}
			if e.At.After(hi) {
				hi = e.At
			}
		}
		if err := ensurePartitions(ctx, db, parts, lo, hi); err != nil {
			return err
		}
	}
	days := make([]string, len(batch))
	for i, e := range batch {
		days[i] = e.At.In(loc).Format(time.DateOnly)
	}
	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	if pg {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7335102021)`); err != nil {
			return fmt.Errorf("lock analytics: %w", err)
		}
	}
	if err := insertEvents(ctx, tx, db.Dialect, batch, days); err != nil {
		return err
	}
	sessions, err := loadSessions(ctx, tx, db.Dialect, batch, days)
	if err != nil {
		return err
	}
	daily := map[string]*dailyRow{}
	products := map[productKey]*productRow{}
	terms := map[termKey]*termRow{}
	traffic := map[trafficKey]*trafficRow{}
	get := func(day string) *dailyRow {
		if daily[day] == nil {
			daily[day] = &dailyRow{}
		}
		return daily[day]
	}
	prod := func(day string, id int) *productRow {
		k := productKey{day, id}
		if products[k] == nil {
			products[k] = &productRow{}
		}
		return products[k]
	}
	term := func(day, t string) *termRow {
		k := termKey{day, t}
		if terms[k] == nil {
			terms[k] = &termRow{}
		}
		return terms[k]
	}
	traf := func(day string, s *session) *trafficRow {
		k := trafficKey{day, s.referrer, s.source, s.medium, s.camp}
		if traffic[k] == nil {
			traffic[k] = &trafficRow{}
		}
		return traffic[k]
	}
	for i := range batch {
		e, day := &batch[i], days[i]
		var s *session
		if key := e.sessionKey(); key != "" {
			// sday is the day the session began: its funnel steps and source count there.
			sday := day
			s = sessions[sessKey{day, key}]
			if s == nil {
				prev := previousDay(day)
				if p := sessions[sessKey{prev, key}]; p != nil && p.lastAt > 0 && e.At.Unix()-p.lastAt <= int64(SessionTimeout/time.Second) {
					s, sday = p, prev
				}
			}
			if s == nil {
				s = &session{isNew: true, changed: true, referrer: e.referrerHost(), source: e.UTMSource, medium: e.UTMMedium, camp: e.UTMCampaign}
				sessions[sessKey{day, key}] = s
				get(day).sessions++
				traf(day, s).sessions++
			}
			if at := e.At.Unix(); at > s.lastAt {
				s.lastAt, s.changed = at, true
			}
			if e.CustomerID != 0 && s.customerID != e.CustomerID {
				s.customerID, s.changed = e.CustomerID, true
			}
			if bit := stepOf[e.Name]; bit != 0 && s.steps&bit == 0 {
				s.steps |= bit
				s.changed = true
				d := get(sday)
				switch bit {
				case stepViewed:
					d.viewed++
				case stepAdded:
					d.added++
				case stepCheckout:
					d.checkout++
				case stepConverted:
					d.converted++
					traf(sday, s).orders++
					if s.term != "" {
						term(sday, s.term).purchases++
					}
				}
			}
		}
		switch e.Name {
		case SearchSubmitted:
			if e.SearchTerm == "" {
				break
			}
			t := term(day, e.SearchTerm)
			t.searches++
			t.results += int64(e.ResultCount)
			if e.ResultCount == 0 {
				t.noResults++
			}
			if s != nil && s.term != e.SearchTerm {
				s.term, s.changed = e.SearchTerm, true
			}
		case ProductViewed:
			if e.ProductID != 0 {
				prod(day, e.ProductID).views++
			}
			if s != nil && s.term != "" {
				term(day, s.term).clicks++
			}
		case ProductAddedToCart:
			// The server sees every cart change; a storefront's own add event only marks
			// its session's funnel step, so adds are not counted twice.
			if e.Source == SourceServer {
				for _, l := range e.Lines {
					prod(day, l.ProductID).adds++
				}
			}
		case CheckoutCompleted:
			if e.Source == SourceServer {
				d := get(day)
				d.orders++
				d.revenue += e.Amount
				seen := map[int]bool{}
				for _, l := range e.Lines {
					p := prod(day, l.ProductID)
					if !seen[l.ProductID] {
						p.orders++
						seen[l.ProductID] = true
					}
					p.units += int64(l.Quantity)
					p.revenue += l.Amount
				}
			}
		}
	}
	if err := saveSessions(ctx, tx, db.Dialect, sessions); err != nil {
		return err
	}
	if err := saveRollups(ctx, tx, db.Dialect, daily, products, terms, traffic); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

const eventInsertColumns = `occurred_at, day, name, source, client_id, session_id, session_key, customer_id, ip_hash,
	page_url, referrer, utm_source, utm_medium, utm_campaign, product_id, variant_id, quantity,
	search_term, result_count, order_id, amount, data`

const eventInsertArity = 22

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int) any {
	if n == 0 {
		return nil
	}
	return int64(n)
}

// insertEvents adds the batch to the raw log: on PostgreSQL by COPY (one stream, no
// statement to parse, however many events), on SQLite by multi-row INSERTs.
func insertEvents(ctx context.Context, tx *sql.Tx, dialectName string, batch []Event, days []string) error {
	if dialectName == dialect.Postgres {
		stmt, err := tx.PrepareContext(ctx, `COPY analytics_events (`+eventInsertColumns+`) FROM STDIN`)
		if err != nil {
			return fmt.Errorf("copy events: %w", err)
		}
		defer stmt.Close()
		for i := range batch {
			if _, err := stmt.ExecContext(ctx, eventRow(&batch[i], days[i])...); err != nil {
				return fmt.Errorf("copy events: %w", err)
			}
		}
		if _, err := stmt.ExecContext(ctx); err != nil {
			return fmt.Errorf("copy events: %w", err)
		}
		return stmt.Close()
	}
	const chunk = 500
	row := "(" + store.Marks(eventInsertArity) + ")"
	for start := 0; start < len(batch); start += chunk {
		end := min(start+chunk, len(batch))
		var b strings.Builder
		b.WriteString(`INSERT INTO analytics_events (` + eventInsertColumns + `) VALUES `)
		args := make([]any, 0, (end-start)*eventInsertArity)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(row)
			args = append(args, eventRow(&batch[i], days[i])...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert events: %w", err)
		}
	}
	return nil
}

// eventRow is an event's values in eventInsertColumns' order.
func eventRow(e *Event, day string) []any {
	productID, variantID, qty := e.ProductID, e.VariantID, e.Quantity
	if productID == 0 && len(e.Lines) == 1 {
		productID, variantID, qty = e.Lines[0].ProductID, e.Lines[0].VariantID, e.Lines[0].Quantity
	}
	var amount any
	if e.Amount != 0 {
		amount = e.Amount
	}
	var resultCount any
	if e.Name == SearchSubmitted && e.SearchTerm != "" {
		resultCount = int64(e.ResultCount)
	}
	return []any{e.At.UTC(), day, e.Name, e.Source, nullStr(e.ClientID), nullStr(e.SessionID),
		nullStr(e.sessionKey()), nullInt(e.CustomerID), nullStr(e.IPHash),
		nullStr(e.PageURL), nullStr(e.Referrer), nullStr(e.UTMSource), nullStr(e.UTMMedium), nullStr(e.UTMCampaign),
		nullInt(productID), nullInt(variantID), nullInt(qty), nullStr(e.SearchTerm), resultCount,
		nullInt(e.OrderID), amount, nullStr(eventData(e))}
}

// eventData is the event's own data as stored: the lines of a multi-line event in
// "product:variant:quantity:amount" form, then what the client sent.
func eventData(e *Event) string {
	if len(e.Lines) <= 1 {
		return e.Data
	}
	parts := make([]string, len(e.Lines))
	for i, l := range e.Lines {
		parts[i] = fmt.Sprintf("%d:%d:%d:%d", l.ProductID, l.VariantID, l.Quantity, l.Amount)
	}
	s := `{"lines":"` + strings.Join(parts, " ") + `"}`
	return s
}

// previousDay is the day before a YYYY-MM-DD day.
func previousDay(day string) string {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return d.AddDate(0, 0, -1).Format(time.DateOnly)
}

// loadSessions reads the batch's sessions that are already stored: those of its events'
// days and those begun the day before, which an event may continue past midnight.
func loadSessions(ctx context.Context, tx *sql.Tx, dialectName string, batch []Event, days []string) (map[sessKey]*session, error) {
	want := map[sessKey]bool{}
	var keys []string
	seenKey := map[string]bool{}
	daySet := map[string]bool{}
	for i := range batch {
		k := batch[i].sessionKey()
		if k == "" {
			continue
		}
		prev := previousDay(days[i])
		want[sessKey{days[i], k}] = true
		want[sessKey{prev, k}] = true
		if !seenKey[k] {
			seenKey[k] = true
			keys = append(keys, k)
		}
		daySet[days[i]] = true
		daySet[prev] = true
	}
	out := map[sessKey]*session{}
	if len(keys) == 0 {
		return out, nil
	}
	dayList := make([]any, 0, len(daySet))
	for d := range daySet {
		dayList = append(dayList, d)
	}
	const chunk = 500
	for start := 0; start < len(keys); start += chunk {
		end := min(start+chunk, len(keys))
		args := make([]any, 0, end-start+len(dayList))
		for _, k := range keys[start:end] {
			args = append(args, k)
		}
		args = append(args, dayList...)
		q := `SELECT day, session_key, steps, referrer, utm_source, utm_medium, utm_campaign, search_term, customer_id, last_at
			FROM analytics_sessions WHERE session_key IN (` + store.Marks(end-start) + `) AND day IN (` + store.Marks(len(dayList)) + `)`
		rows, err := tx.QueryContext(ctx, store.Rebind(dialectName, q), args...)
		if err != nil {
			return nil, fmt.Errorf("load sessions: %w", err)
		}
		for rows.Next() {
			var k sessKey
			var s session
			var cust sql.NullInt64
			if err := rows.Scan(&k.day, &k.key, &s.steps, &s.referrer, &s.source, &s.medium, &s.camp, &s.term, &cust, &s.lastAt); err != nil {
				rows.Close()
				return nil, fmt.Errorf("load sessions: %w", err)
			}
			s.customerID = int(cust.Int64)
			if want[k] {
				out[k] = &s
			}
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("load sessions: %w", err)
		}
	}
	return out, nil
}

// upsert runs INSERT … ON CONFLICT DO UPDATE over rows in chunks.
func upsert(ctx context.Context, tx *sql.Tx, dialectName, head string, arity int, rows [][]any, conflict string) error {
	const chunk = 400
	row := "(" + store.Marks(arity) + ")"
	for start := 0; start < len(rows); start += chunk {
		end := min(start+chunk, len(rows))
		var b strings.Builder
		b.WriteString(head + ` VALUES `)
		args := make([]any, 0, (end-start)*arity)
		for i := start; i < end; i++ {
			if i > start {
				b.WriteByte(',')
			}
			b.WriteString(row)
			args = append(args, rows[i]...)
		}
		b.WriteString(" " + conflict)
		if _, err := tx.ExecContext(ctx, store.Rebind(dialectName, b.String()), args...); err != nil {
			return fmt.Errorf("%s: %w", strings.Fields(head)[2], err)
		}
	}
	return nil
}

func saveSessions(ctx context.Context, tx *sql.Tx, dialectName string, sessions map[sessKey]*session) error {
	var rows [][]any
	for k, s := range sessions {
		if !s.changed {
			continue
		}
		rows = append(rows, []any{k.day, k.key, s.steps, s.referrer, s.source, s.medium, s.camp, s.term, nullInt(s.customerID), s.lastAt})
	}
	return upsert(ctx, tx, dialectName,
		`INSERT INTO analytics_sessions (day, session_key, steps, referrer, utm_source, utm_medium, utm_campaign, search_term, customer_id, last_at)`, 10, rows,
		`ON CONFLICT (day, session_key) DO UPDATE SET steps = excluded.steps, search_term = excluded.search_term, customer_id = excluded.customer_id, last_at = excluded.last_at`)
}

func saveRollups(ctx context.Context, tx *sql.Tx, dialectName string, daily map[string]*dailyRow, products map[productKey]*productRow, terms map[termKey]*termRow, traffic map[trafficKey]*trafficRow) error {
	add := func(table string, cols ...string) string {
		sets := make([]string, len(cols))
		for i, c := range cols {
			sets[i] = fmt.Sprintf("%s = %s.%s + excluded.%s", c, table, c, c)
		}
		return "DO UPDATE SET " + strings.Join(sets, ", ")
	}
	var rows [][]any
	for day, d := range daily {
		rows = append(rows, []any{day, d.sessions, d.viewed, d.added, d.checkout, d.converted, d.orders, d.revenue})
	}
	if err := upsert(ctx, tx, dialectName, `INSERT INTO analytics_daily (day, sessions, viewed, added, checkout, converted, orders, revenue)`, 8, rows,
		`ON CONFLICT (day) `+add("analytics_daily", "sessions", "viewed", "added", "checkout", "converted", "orders", "revenue")); err != nil {
		return err
	}
	rows = rows[:0]
	for k, p := range products {
		rows = append(rows, []any{k.day, int64(k.id), p.views, p.adds, p.orders, p.units, p.revenue})
	}
	if err := upsert(ctx, tx, dialectName, `INSERT INTO analytics_product_daily (day, product_id, views, adds, orders, units, revenue)`, 7, rows,
		`ON CONFLICT (day, product_id) `+add("analytics_product_daily", "views", "adds", "orders", "units", "revenue")); err != nil {
		return err
	}
	rows = rows[:0]
	for k, t := range terms {
		rows = append(rows, []any{k.day, k.term, t.searches, t.results, t.noResults, t.clicks, t.purchases})
	}
	if err := upsert(ctx, tx, dialectName, `INSERT INTO analytics_search_daily (day, term, searches, results, no_results, clicks, purchases)`, 7, rows,
		`ON CONFLICT (day, term) `+add("analytics_search_daily", "searches", "results", "no_results", "clicks", "purchases")); err != nil {
		return err
	}
	rows = rows[:0]
	for k, t := range traffic {
		rows = append(rows, []any{k.day, k.referrer, k.source, k.medium, k.campaign, t.sessions, t.orders})
	}
	return upsert(ctx, tx, dialectName, `INSERT INTO analytics_traffic_daily (day, referrer, utm_source, utm_medium, utm_campaign, sessions, orders)`, 7, rows,
		`ON CONFLICT (day, referrer, utm_source, utm_medium, utm_campaign) `+add("analytics_traffic_daily", "sessions", "orders"))
}

// partitionName is the PostgreSQL partition holding a UTC day's events.
func partitionName(day time.Time) string { return "analytics_events_p" + day.UTC().Format("20060102") }

// ensurePartitions creates PostgreSQL's daily partitions of analytics_events from one
// time's UTC day to another's (nothing on SQLite, whose table is not partitioned).
func ensurePartitions(ctx context.Context, db *store.DB, known map[string]bool, from, to time.Time) error {
	if db.Dialect != dialect.Postgres {
		return nil
	}
	day := from.UTC().Truncate(24 * time.Hour)
	for ; !day.After(to.UTC()); day = day.AddDate(0, 0, 1) {
		name := partitionName(day)
		if known != nil && known[name] {
			continue
		}
		q := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s PARTITION OF analytics_events FOR VALUES FROM ('%s') TO ('%s')`,
			name, day.Format("2006-01-02 00:00:00+00"), day.AddDate(0, 0, 1).Format("2006-01-02 00:00:00+00"))
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			// Another instance may have created it at the same moment.
			var exists bool
			if qerr := db.SQL.QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists); qerr != nil || !exists {
				return fmt.Errorf("create partition %s: %w", name, err)
			}
		}
		if known != nil {
			known[name] = true
		}
	}
	return nil
}

// Prune deletes raw events and session rows older than a time: on PostgreSQL by dropping
// whole daily partitions that end before it, on SQLite by deleting rows. It returns how
// many partitions (PostgreSQL) or events (SQLite) went.
func Prune(ctx context.Context, db *store.DB, before time.Time) (int64, error) {
	cutDay := before.UTC().Format(time.DateOnly)
	if _, err := db.SQL.ExecContext(ctx, store.Rebind(db.Dialect, `DELETE FROM analytics_sessions WHERE day < ?`), cutDay); err != nil {
		return 0, fmt.Errorf("prune sessions: %w", err)
	}
	if db.Dialect != dialect.Postgres {
		res, err := db.SQL.ExecContext(ctx, `DELETE FROM analytics_events WHERE occurred_at < ?`, before.UTC())
		if err != nil {
			return 0, fmt.Errorf("prune events: %w", err)
		}
		return res.RowsAffected()
	}
	rows, err := db.SQL.QueryContext(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'analytics_events'`)
	if err != nil {
		return 0, fmt.Errorf("list partitions: %w", err)
	}
	var old []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return 0, err
		}
		day, err := time.Parse("20060102", strings.TrimPrefix(name, "analytics_events_p"))
		if err == nil && !day.AddDate(0, 0, 1).After(before.UTC()) {
			old = append(old, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for _, name := range old {
		if _, err := db.SQL.ExecContext(ctx, `DROP TABLE IF EXISTS `+name); err != nil {
			return 0, fmt.Errorf("drop partition %s: %w", name, err)
		}
	}
	return int64(len(old)), nil
}

// Execer runs SQL: an ent transaction (so an erasure commits with the rest of it) or the
// database.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// EraseCustomer deletes a customer's raw events: those recorded for the customer, those of
// the visitor IDs and sessions seen with the customer, and those of the customer's carts
// (cartTokens), with the per-session rows that name them. The daily rollups, which
// count without naming anyone, stay.
func EraseCustomer(ctx context.Context, x Execer, dialectName string, customerID int, cartTokens []string) error {
	rows, err := x.QueryContext(ctx, store.Rebind(dialectName, `SELECT DISTINCT client_id, session_key FROM analytics_events WHERE customer_id = ?
		UNION SELECT NULL, session_key FROM analytics_sessions WHERE customer_id = ?`), customerID, customerID)
	if err != nil {
		return fmt.Errorf("find events of customer %d: %w", customerID, err)
	}
	clients, keys := []any{}, []any{}
	for rows.Next() {
		var client, key sql.NullString
		if err := rows.Scan(&client, &key); err != nil {
			rows.Close()
			return fmt.Errorf("find events of customer %d: %w", customerID, err)
		}
		if client.Valid {
			clients = append(clients, client.String)
		}
		if key.Valid {
			keys = append(keys, key.String)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("find events of customer %d: %w", customerID, err)
	}
	for _, t := range cartTokens {
		keys = append(keys, "k:"+CartKey(t))
	}
	// The visitor's other sessions.
	for start := 0; start < len(clients); start += 500 {
		chunk := clients[start:min(start+500, len(clients))]
		rows, err := x.QueryContext(ctx, store.Rebind(dialectName, `SELECT DISTINCT session_key FROM analytics_events WHERE session_key IS NOT NULL AND client_id IN (`+store.Marks(len(chunk))+`)`), chunk...)
		if err != nil {
			return fmt.Errorf("find sessions of customer %d: %w", customerID, err)
		}
		for rows.Next() {
			var key string
			if err := rows.Scan(&key); err != nil {
				rows.Close()
				return fmt.Errorf("find sessions of customer %d: %w", customerID, err)
			}
			keys = append(keys, key)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("find sessions of customer %d: %w", customerID, err)
		}
	}
	if _, err := x.ExecContext(ctx, store.Rebind(dialectName, `DELETE FROM analytics_events WHERE customer_id = ?`), customerID); err != nil {
		return fmt.Errorf("erase events of customer %d: %w", customerID, err)
	}
	for _, set := range []struct {
		column string
		vals   []any
	}{{"client_id", clients}, {"session_key", keys}} {
		for start := 0; start < len(set.vals); start += 500 {
			chunk := set.vals[start:min(start+500, len(set.vals))]
			if _, err := x.ExecContext(ctx, store.Rebind(dialectName, `DELETE FROM analytics_events WHERE `+set.column+` IN (`+store.Marks(len(chunk))+`)`), chunk...); err != nil {
				return fmt.Errorf("erase events of customer %d: %w", customerID, err)
			}
			if set.column == "session_key" {
				if _, err := x.ExecContext(ctx, store.Rebind(dialectName, `DELETE FROM analytics_sessions WHERE session_key IN (`+store.Marks(len(chunk))+`)`), chunk...); err != nil {
					return fmt.Errorf("erase sessions of customer %d: %w", customerID, err)
				}
			}
		}
	}
	if _, err := x.ExecContext(ctx, store.Rebind(dialectName, `DELETE FROM analytics_sessions WHERE customer_id = ?`), customerID); err != nil {
		return fmt.Errorf("erase sessions of customer %d: %w", customerID, err)
	}
	return nil
}
