// Package sales owns the merchant's sales analytics computed from orders: the rollup
// tables (analytics_sales_*) kept by the order-placing transaction and rebuilt from the
// orders when they are missing, incomplete or in another time zone, and the sales,
// customer and inventory reports read from them.
package sales

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // shop time zones work on hosts without a zoneinfo database

	"entgo.io/ent/dialect"

	"storefront/ent"
	"storefront/internal/reports"
	"storefront/internal/store"
)

// Service computes the reports and keeps the rollups. It is safe for concurrent use.
type Service struct {
	db *store.DB
	// rebuilding serializes this process's rebuilds; the state row's lock serializes
	// instances.
	rebuilding sync.Mutex
	now        func() time.Time
}

// New returns the sales service over db.
func New(db *store.DB) *Service {
	return &Service{db: db, now: func() time.Time { return time.Now().UTC() }}
}

// Order is what a placed order adds to the rollups.
type Order struct {
	ProcessedAt time.Time
	CustomerID  *int
	Email       *string
	Discounts   int64
	Tax         int64
	Shipping    int64
	Total       int64
	Lines       []Line
}

// Line is one line of a placed order.
type Line struct {
	VariantID, ProductID int
	Quantity             int
	// Original is the unit price × quantity; Discounted what is left after the discounts
	// allocated to the line.
	Original, Discounted int64
}

// customerKey identifies a buyer across orders: the account, or for guests the email.
func customerKey(id *int, email *string) string {
	switch {
	case id != nil:
		return fmt.Sprintf("c:%d", *id)
	case email != nil && strings.TrimSpace(*email) != "":
		return "e:" + strings.ToLower(strings.TrimSpace(*email))
	}
	return ""
}

// dayOf is t's calendar day in loc as yyyymmdd.
func dayOf(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return y*10000 + int(m)*100 + d
}

type dayRow struct {
	orders                                        int
	gross, discounts, tax, shipping, total, units int64
}

type lineRow struct{ units, gross, discounts int64 }

type lineKey struct{ day, variant int }

// buyer is a buyer's state: first and latest order days, orders so far.
type buyer struct {
	first, last, orders int
}

type visitKey struct{ day, prev, seq int }

type cohortKey struct{ first, month int }

// rollup accumulates orders before they are written. Orders must be added in the order
// they were placed.
type rollup struct {
	loc      *time.Location
	days     map[int]*dayRow
	lines    map[lineKey]*lineRow
	products map[lineKey]int
	buyers   map[string]*buyer
	visits   map[visitKey]int
	cohorts  map[cohortKey]int
}

func newRollup(loc *time.Location) *rollup {
	return &rollup{loc: loc, days: map[int]*dayRow{}, lines: map[lineKey]*lineRow{}, products: map[lineKey]int{},
		buyers: map[string]*buyer{}, visits: map[visitKey]int{}, cohorts: map[cohortKey]int{}}
}

func (r *rollup) add(o Order) {
	day := dayOf(o.ProcessedAt, r.loc)
	d := r.days[day]
	if d == nil {
		d = &dayRow{}
		r.days[day] = d
	}
	d.orders++
	d.discounts += o.Discounts
	d.tax += o.Tax
	d.shipping += o.Shipping
	d.total += o.Total
	for _, l := range o.Lines {
		d.gross += l.Original
		d.units += int64(l.Quantity)
		k := lineKey{day, l.VariantID}
		lr := r.lines[k]
		if lr == nil {
			lr = &lineRow{}
			r.lines[k] = lr
			r.products[k] = l.ProductID
		}
		lr.units += int64(l.Quantity)
		lr.gross += l.Original
		lr.discounts += l.Original - l.Discounted
	}
	key := customerKey(o.CustomerID, o.Email)
	if key == "" {
		return
	}
	b := r.buyers[key]
	if b == nil {
		b = &buyer{first: day}
		r.buyers[key] = b
	}
	r.visits[visitKey{day, b.last, min(b.orders+1, 3)}]++
	// The buyer's first order in this month counts them in their cohort's month.
	if b.last/100 < day/100 {
		r.cohorts[cohortKey{b.first / 100, day / 100}]++
	}
	b.last = max(b.last, day)
	b.orders++
}

// execer is a transaction or the database.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// upsert writes rows (each len(cols) values) in chunks with one INSERT … ON CONFLICT each.
func upsert(ctx context.Context, pg bool, x execer, table string, cols []string, conflict, update string, rows [][]any) error {
	const chunk = 500
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(part)*len(cols))
		for i, r := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range cols {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteByte('?')
			}
			b.WriteByte(')')
			args = append(args, r...)
		}
		fmt.Fprintf(&b, " ON CONFLICT (%s) DO %s", conflict, update)
		if _, err := x.ExecContext(ctx, rebind(pg, b.String()), args...); err != nil {
			return fmt.Errorf("write %s: %w", table, err)
		}
	}
	return nil
}

// write adds the accumulated rows to the rollup tables. Rows are written in key order, so
// concurrent writers lock them in one order.
func (r *rollup) write(ctx context.Context, pg bool, x execer) error {
	days := make([][]any, 0, len(r.days))
	for _, day := range sortedInts(r.days) {
		d := r.days[day]
		days = append(days, []any{day, d.orders, d.gross, d.discounts, d.tax, d.shipping, d.total, d.units})
	}
	const t = "analytics_sales_days"
	if err := upsert(ctx, pg, x, t, []string{"day", "orders", "gross", "discounts", "tax", "shipping", "total", "units"}, "day",
		"UPDATE SET orders = "+t+".orders + excluded.orders, gross = "+t+".gross + excluded.gross, discounts = "+t+".discounts + excluded.discounts, tax = "+t+".tax + excluded.tax, shipping = "+t+".shipping + excluded.shipping, total = "+t+".total + excluded.total, units = "+t+".units + excluded.units", days); err != nil {
		return err
	}
	keys := make([]lineKey, 0, len(r.lines))
	for k := range r.lines {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].day != keys[j].day {
			return keys[i].day < keys[j].day
		}
		return keys[i].variant < keys[j].variant
	})
	lines := make([][]any, 0, len(keys))
	for _, k := range keys {
		l := r.lines[k]
		lines = append(lines, []any{k.day, k.variant, r.products[k], l.units, l.gross, l.discounts})
	}
	const lt = "analytics_sales_lines"
	if err := upsert(ctx, pg, x, lt, []string{"day", "variant_id", "product_id", "units", "gross", "discounts"}, "day, variant_id",
		"UPDATE SET units = "+lt+".units + excluded.units, gross = "+lt+".gross + excluded.gross, discounts = "+lt+".discounts + excluded.discounts", lines); err != nil {
		return err
	}
	vkeys := make([]visitKey, 0, len(r.visits))
	for k := range r.visits {
		vkeys = append(vkeys, k)
	}
	sort.Slice(vkeys, func(i, j int) bool {
		a, b := vkeys[i], vkeys[j]
		if a.day != b.day {
			return a.day < b.day
		}
		if a.prev != b.prev {
			return a.prev < b.prev
		}
		return a.seq < b.seq
	})
	visits := make([][]any, 0, len(vkeys))
	for _, k := range vkeys {
		visits = append(visits, []any{k.day, k.prev, k.seq, r.visits[k]})
	}
	const vt = "analytics_sales_visits"
	if err := upsert(ctx, pg, x, vt, []string{"day", "prev_day", "seq", "orders"}, "day, prev_day, seq",
		"UPDATE SET orders = "+vt+".orders + excluded.orders", visits); err != nil {
		return err
	}
	ckeys := make([]cohortKey, 0, len(r.cohorts))
	for k := range r.cohorts {
		ckeys = append(ckeys, k)
	}
	sort.Slice(ckeys, func(i, j int) bool {
		if ckeys[i].first != ckeys[j].first {
			return ckeys[i].first < ckeys[j].first
		}
		return ckeys[i].month < ckeys[j].month
	})
	cohorts := make([][]any, 0, len(ckeys))
	for _, k := range ckeys {
		cohorts = append(cohorts, []any{k.first, k.month, r.cohorts[k]})
	}
	const ct = "analytics_sales_cohorts"
	if err := upsert(ctx, pg, x, ct, []string{"first_month", "month", "customers"}, "first_month, month",
		"UPDATE SET customers = "+ct+".customers + excluded.customers", cohorts); err != nil {
		return err
	}
	bkeys := make([]string, 0, len(r.buyers))
	for k := range r.buyers {
		bkeys = append(bkeys, k)
	}
	sort.Strings(bkeys)
	buyers := make([][]any, 0, len(bkeys))
	for _, k := range bkeys {
		b := r.buyers[k]
		buyers = append(buyers, []any{k, b.first, b.last, b.orders})
	}
	// Buyers hold their whole state (a buyer being recorded is locked; a rebuild starts
	// from empty tables).
	const bt = "analytics_sales_buyers"
	return upsert(ctx, pg, x, bt, []string{"customer_key", "first_day", "last_day", "orders"}, "customer_key",
		"UPDATE SET first_day = excluded.first_day, last_day = excluded.last_day, orders = excluded.orders", buyers)
}

func sortedInts[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

// rebind writes ? placeholders as $1, $2, … when pg (store.Rebind).
func rebind(pg bool, q string) string {
	if !pg {
		return q
	}
	return store.Rebind(dialect.Postgres, q)
}

// stateRow is the id of the one analytics_sales_state row.
const stateRow = 1

// RecordOrder adds a placed order to the rollups inside the transaction that places it, so
// the rollups never disagree with the orders. When the rollups have not been built yet it
// writes nothing: the next build counts the order from the orders table. On PostgreSQL it
// holds a share lock on the state row, so a rebuild (which locks it exclusively) never
// interleaves with an order.
func RecordOrder(ctx context.Context, tx *ent.Tx, pg bool, o Order) error {
	q := "SELECT timezone FROM analytics_sales_state WHERE id = ?"
	if pg {
		q += " FOR SHARE"
	}
	rows, err := tx.QueryContext(ctx, rebind(pg, q), stateRow)
	if err != nil {
		return fmt.Errorf("read sales rollup state: %w", err)
	}
	var tz string
	found := rows.Next()
	if found {
		err = rows.Scan(&tz)
	}
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("read sales rollup state: %w", err)
	}
	if !found {
		return nil
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return fmt.Errorf("sales rollup time zone %q: %w", tz, err)
	}
	r := newRollup(loc)
	if key := customerKey(o.CustomerID, o.Email); key != "" {
		b, err := lockBuyer(ctx, tx, pg, key, dayOf(o.ProcessedAt, loc))
		if err != nil {
			return err
		}
		if b != nil {
			r.buyers[key] = b
		}
	}
	r.add(o)
	return r.write(ctx, pg, tx)
}

// lockBuyer locks the buyer's row, creating it first so that two first orders of one
// buyer wait for each other, and returns their state (nil before their first order). One
// statement: the upsert's no-op update locks an existing row and RETURNING reads it.
func lockBuyer(ctx context.Context, tx *ent.Tx, pg bool, key string, day int) (*buyer, error) {
	rows, err := tx.QueryContext(ctx, rebind(pg, `INSERT INTO analytics_sales_buyers (customer_key, first_day, last_day, orders) VALUES (?, ?, 0, 0)
		ON CONFLICT (customer_key) DO UPDATE SET orders = analytics_sales_buyers.orders RETURNING first_day, last_day, orders`), key, day)
	if err != nil {
		return nil, fmt.Errorf("lock buyer: %w", err)
	}
	defer rows.Close()
	var b buyer
	if rows.Next() {
		if err := rows.Scan(&b.first, &b.last, &b.orders); err != nil {
			return nil, fmt.Errorf("lock buyer: %w", err)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("lock buyer: %w", err)
	}
	if b.orders == 0 {
		return nil, nil
	}
	return &b, nil
}

// health is what tells whether the rollups are current.
type health struct {
	orders, counted int64
	built, shop     string
}

func (s *Service) pg() bool { return s.db.Dialect == dialect.Postgres }

// check reads, in one statement (one snapshot), the order count, the orders the rollups
// count, the time zone they were built in and the shop's.
func (s *Service) check(ctx context.Context, x execer) (health, error) {
	var h health
	rows, err := x.QueryContext(ctx, rebind(s.pg(), `SELECT (SELECT count(*) FROM orders),
		(SELECT coalesce(sum(orders), 0) FROM analytics_sales_days),
		coalesce((SELECT timezone FROM analytics_sales_state WHERE id = ?), ''),
		`+reports.ShopTimezoneSQL), stateRow)
	if err != nil {
		return h, fmt.Errorf("check sales rollups: %w", err)
	}
	defer rows.Close()
	if !rows.Next() {
		return h, errors.New("check sales rollups: no row")
	}
	if err := rows.Scan(&h.orders, &h.counted, &h.built, &h.shop); err != nil {
		return h, fmt.Errorf("check sales rollups: %w", err)
	}
	h.shop = reports.Location(h.shop).String()
	return h, rows.Close()
}

func (h health) current() bool { return h.built != "" && h.built == h.shop && h.orders == h.counted }

// Prepare makes the rollups current: it rebuilds them from the orders when they were never
// built, were built in another time zone than the shop's, or miss orders (written by
// something other than checkout, such as an import). It returns the shop's location.
// Every report calls it; the check is one statement.
func (s *Service) Prepare(ctx context.Context) (*time.Location, error) {
	h, err := s.check(ctx, s.db.SQL)
	if err != nil {
		return nil, err
	}
	if !h.current() {
		if err := s.rebuild(ctx); err != nil {
			return nil, err
		}
	}
	return reports.Location(h.shop), nil
}

// rebuild replaces the rollups with ones computed from every order, in one transaction
// holding the state row's lock.
func (s *Service) rebuild(ctx context.Context) error {
	s.rebuilding.Lock()
	defer s.rebuilding.Unlock()
	pg := s.pg()
	return store.WithTx(ctx, s.db, func(tx *ent.Tx) error {
		if _, err := tx.ExecContext(ctx, rebind(pg, `INSERT INTO analytics_sales_state (id, timezone, built_at) VALUES (?, '', ?) ON CONFLICT (id) DO NOTHING`), stateRow, s.now()); err != nil {
			return fmt.Errorf("create sales rollup state: %w", err)
		}
		lock := "SELECT timezone FROM analytics_sales_state WHERE id = ?"
		if pg {
			lock += " FOR UPDATE"
		}
		rows, err := tx.QueryContext(ctx, rebind(pg, lock), stateRow)
		if err != nil {
			return fmt.Errorf("lock sales rollup state: %w", err)
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("lock sales rollup state: %w", err)
		}
		// Another rebuild may have finished while this one waited for the lock.
		h, err := s.check(ctx, tx)
		if err != nil {
			return err
		}
		if h.current() {
			return nil
		}
		loc := reports.Location(h.shop)
		for _, t := range []string{"analytics_sales_days", "analytics_sales_lines", "analytics_sales_buyers", "analytics_sales_visits", "analytics_sales_cohorts"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
				return fmt.Errorf("clear %s: %w", t, err)
			}
		}
		orders, err := loadOrders(ctx, tx)
		if err != nil {
			return err
		}
		r := newRollup(loc)
		for _, o := range orders {
			r.add(*o)
		}
		if err := r.write(ctx, pg, tx); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, rebind(pg, `UPDATE analytics_sales_state SET timezone = ?, built_at = ? WHERE id = ?`), h.shop, s.now(), stateRow); err != nil {
			return fmt.Errorf("record sales rollup state: %w", err)
		}
		return nil
	})
}

// loadOrders reads every order with its lines, in two statements, in the order they
// were placed.
func loadOrders(ctx context.Context, tx *ent.Tx) ([]*Order, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, processed_at, customer_id, email, total_discounts, total_tax, total_shipping, total FROM orders ORDER BY processed_at, id`)
	if err != nil {
		return nil, fmt.Errorf("read orders: %w", err)
	}
	byID := map[int]*Order{}
	var list []*Order
	for rows.Next() {
		var id int
		o := &Order{}
		var customer sql.NullInt64
		var email sql.NullString
		if err := rows.Scan(&id, &o.ProcessedAt, &customer, &email, &o.Discounts, &o.Tax, &o.Shipping, &o.Total); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read orders: %w", err)
		}
		if customer.Valid {
			c := int(customer.Int64)
			o.CustomerID = &c
		}
		if email.Valid {
			o.Email = &email.String
		}
		byID[id] = o
		list = append(list, o)
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read orders: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT l.order_id, coalesce(l.variant_id, 0), coalesce(v.product_id, 0), l.quantity, l.original_total, l.discounted_total
		FROM order_lines l LEFT JOIN product_variants v ON v.id = l.variant_id`)
	if err != nil {
		return nil, fmt.Errorf("read order lines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var l Line
		if err := rows.Scan(&id, &l.VariantID, &l.ProductID, &l.Quantity, &l.Original, &l.Discounted); err != nil {
			return nil, fmt.Errorf("read order lines: %w", err)
		}
		if o := byID[id]; o != nil {
			o.Lines = append(o.Lines, l)
		}
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("read order lines: %w", err)
	}
	return list, nil
}
