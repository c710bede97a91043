// Package paging implements Relay connections over SQL with keyset pagination: stable
// orders with the ID as tie-breaker, cursors that carry the sort values (and refuse another
// order's cursor), both directions, one statement per page — or per set of parents, one
// page each, with a Window function.
package paging

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/mattn/go-sqlite3"

	"storefront/internal/store"
)

// MaxPageSize is the most items one page of a connection may hold.
const MaxPageSize = 250

// Args are a connection's paging arguments as a client sent them.
type Args struct {
	First, Last   *int
	After, Before *string
	Reverse       bool
}

// Page is one page of a connection: the items in order, each with its cursor.
type Page[T any] struct {
	Items           []T
	Cursors         []string
	HasNextPage     bool
	HasPreviousPage bool
}

// Window is validated Args with decoded cursors.
type Window struct {
	limit         int
	backward      bool
	reverse       bool
	after, before *cursor
}

// cursor marks a position in a sorted list: the sort key's name (so that a cursor of one
// order is refused in another), the row's sort values and its ID.
type cursor struct {
	Key    string `json:"k"`
	Values []any  `json:"v,omitempty"`
	ID     int    `json:"i"`
}

func (c cursor) encode() string {
	var buf [128]byte
	b, ok := c.appendJSON(buf[:0])
	if !ok {
		b, _ = json.Marshal(c)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// appendJSON appends json.Marshal's form of c when its key is plain ASCII and its values
// are integers (every listing sorted by ID, position or a count, and every in-memory
// list such as a product's variants): catalog pages make a cursor per row, and
// encoding/json's reflection was most of their cost. ok is false for anything else.
func (c cursor) appendJSON(b []byte) ([]byte, bool) {
	for i := 0; i < len(c.Key); i++ {
		if ch := c.Key[i]; !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-') {
			return nil, false
		}
	}
	b = append(b, `{"k":"`...)
	b = append(b, c.Key...)
	b = append(b, '"')
	if len(c.Values) > 0 {
		b = append(b, `,"v":[`...)
		for i, v := range c.Values {
			if i > 0 {
				b = append(b, ',')
			}
			switch n := v.(type) {
			case int64:
				b = strconv.AppendInt(b, n, 10)
			case int:
				b = strconv.AppendInt(b, int64(n), 10)
			default:
				return nil, false
			}
		}
		b = append(b, ']')
	}
	b = append(b, `,"i":`...)
	b = strconv.AppendInt(b, int64(c.ID), 10)
	return append(b, '}'), true
}

func decodeCursor(s, key string, kinds []Kind) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 4096 {
		return nil, errInvalidCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Key != key || len(c.Values) != len(kinds) || c.ID <= 0 {
		return nil, errInvalidCursor
	}
	for i, k := range kinds {
		v, ok := k.fromJSON(c.Values[i])
		if !ok {
			return nil, errInvalidCursor
		}
		c.Values[i] = v
	}
	return &c, nil
}

var errInvalidCursor = &InputError{Message: "invalid cursor: use a cursor from the same connection and sort order"}

// InputError is a malformed argument the client can fix (shown as a GraphQL error).
type InputError struct {
	Argument string
	Message  string
}

func (e *InputError) Error() string { return e.Message }

// Window validates the arguments of a connection sorted by the given key and Term kinds.
// As in Shopify's API, exactly one of first and last must be given, at most MaxPageSize.
func (a Args) Window(key string, kinds []Kind) (Window, error) {
	w := Window{reverse: a.Reverse}
	switch {
	case a.First != nil && a.Last != nil:
		return w, &InputError{Argument: "first", Message: "pass either first or last, not both"}
	case a.First != nil:
		w.limit = *a.First
	case a.Last != nil:
		w.limit = *a.Last
		w.backward = true
	default:
		return w, &InputError{Argument: "first", Message: "you must provide one of first or last"}
	}
	if w.limit < 0 || w.limit > MaxPageSize {
		return w, &InputError{Argument: "first", Message: fmt.Sprintf("first and last must be between 0 and %d", MaxPageSize)}
	}
	var err error
	if a.After != nil {
		if w.after, err = decodeCursor(*a.After, key, kinds); err != nil {
			return w, err
		}
	}
	if a.Before != nil {
		if w.before, err = decodeCursor(*a.Before, key, kinds); err != nil {
			return w, err
		}
	}
	return w, nil
}

// Kind is the type of a sort value, so values survive the trip through a cursor.
type Kind int

// Sort value kinds.
const (
	KindInt Kind = iota
	KindString
	KindTime
)

func (k Kind) fromJSON(v any) (any, bool) {
	switch k {
	case KindInt:
		f, ok := v.(float64)
		if !ok || f != float64(int64(f)) {
			return nil, false
		}
		return int64(f), true
	case KindString:
		s, ok := v.(string)
		return s, ok
	case KindTime:
		s, ok := v.(string)
		if !ok {
			return nil, false
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		return t.UTC(), err == nil
	}
	return nil, false
}

// scanDest returns a destination for a value of this Kind.
func (k Kind) scanDest() any {
	switch k {
	case KindInt:
		return new(int64)
	case KindString:
		return new(string)
	default:
		return new(any)
	}
}

// value reads a scanned destination back, normalizing times to UTC.
func (k Kind) value(dest any) (any, error) {
	switch k {
	case KindInt:
		return *dest.(*int64), nil
	case KindString:
		return *dest.(*string), nil
	}
	switch v := (*dest.(*any)).(type) {
	case time.Time:
		return v.UTC(), nil
	case string:
		return parseSQLiteTime(v)
	case []byte:
		return parseSQLiteTime(string(v))
	default:
		return nil, fmt.Errorf("unexpected time value %T", v)
	}
}

func parseSQLiteTime(s string) (time.Time, error) {
	for _, f := range sqlite3.SQLiteTimestampFormats {
		if t, err := time.Parse(f, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unparsable time %q", s)
}

// Term is one ORDER BY Term of a Listing (the ID tie-breaker is added by list).
type Term struct {
	Expr func(b *entsql.Builder)
	Kind Kind
	Desc bool
}

// Listing describes a keyset-paginated query over one table: what to select from, how to
// sort, and optionally a partition (one page per parent, e.g. per collection).
type Listing struct {
	Key   string
	Table string
	// Where adds joins and filters to the selector over Table (aliased "t").
	Where []func(s *entsql.Selector)
	Order []Term
	// Partition, when set, is the (quoted) column that groups rows by parent; Parents lists
	// the parent IDs to fetch a page for.
	Partition string
	Parents   []int
	// Row, when set, reads the listed rows themselves in the same statement: its Columns
	// (of alias "t") are selected too and each row's item is built by Row.Scan, so the
	// caller needs no second statement to load the rows it listed.
	Row *Row
}

// Row reads a listing's rows along with their references.
type Row struct {
	Columns []string
	// New returns the scan destinations of one row's Columns and the function that
	// builds its item once they are scanned.
	New func() (dests []any, build func() (any, error))
}

// Ref is a row found by list: its parent (0 without partition), ID and sort values.
type Ref struct {
	Parent int
	ID     int
	// Item is the row read by the listing's Row, if it has one.
	Item   any
	values []any
}

// RefPage is one parent's page of refs.
type RefPage struct {
	Refs             []Ref
	HasNext, HasPrev bool
	key              string
}

// Cursor is the cursor of the i-th ref.
func (p RefPage) Cursor(i int) string {
	return cursor{Key: p.key, Values: p.Refs[i].values, ID: p.Refs[i].ID}.encode()
}

// Kinds are the value kinds of the listing's sort terms (for Args.Window).
func (l Listing) Kinds() []Kind {
	ks := make([]Kind, len(l.Order))
	for i, t := range l.Order {
		ks[i] = t.Kind
	}
	return ks
}

// List runs the listing: one statement for all parents, whatever the page size.
func List(ctx context.Context, db *store.DB, l Listing, w Window) (map[int]*RefPage, error) {
	pages := map[int]*RefPage{}
	for _, p := range l.Parents {
		pages[p] = &RefPage{key: l.Key}
	}
	if l.Partition == "" {
		pages[0] = &RefPage{key: l.Key}
	}
	if w.limit == 0 {
		return pages, nil
	}
	d := entsql.Dialect(db.Dialect)
	t := d.Table(l.Table).As("t")
	sel := d.Select(t.C("id")).From(t)
	terms := append(slices.Clone(l.Order), Term{
		Expr: func(b *entsql.Builder) { b.WriteString(t.C("id")) },
		Kind: KindInt,
	})
	for i, tm := range l.Order {
		sel.AppendSelectExprAs(entsql.ExprFunc(tm.Expr), fmt.Sprintf("s%d", i))
	}
	if l.Row != nil {
		for i, c := range l.Row.Columns {
			sel.AppendSelectExprAs(entsql.Raw(t.C(c)), fmt.Sprintf("r%d", i))
		}
	}
	for _, f := range l.Where {
		f(sel)
	}
	// Base order: each Term's direction, flipped by reverse.
	desc := make([]bool, len(terms))
	for i, tm := range terms {
		desc[i] = tm.Desc != w.reverse
	}
	if w.after != nil {
		sel.Where(keyset(terms, desc, append(slices.Clone(w.after.Values), int64(w.after.ID)), true))
	}
	if w.before != nil {
		sel.Where(keyset(terms, desc, append(slices.Clone(w.before.Values), int64(w.before.ID)), false))
	}
	// Fetch order: the base order, inverted when paging backward.
	orderBy := make([]entsql.Querier, len(terms))
	for i, tm := range terms {
		dir := " ASC"
		if desc[i] != w.backward {
			dir = " DESC"
		}
		orderBy[i] = entsql.ExprFunc(func(b *entsql.Builder) { tm.Expr(b); b.WriteString(dir) })
	}
	var query string
	var args []any
	if l.Partition == "" {
		sel.OrderExpr(orderBy...).Limit(w.limit + 1)
		query, args = sel.Query()
	} else {
		part := l.Partition
		parents := make([]any, len(l.Parents))
		for i, p := range l.Parents {
			parents[i] = p
		}
		sel.Where(entsql.P(func(b *entsql.Builder) {
			b.WriteString(part + " IN (").Args(parents...).WriteByte(')')
		}))
		sel.AppendSelectExprAs(entsql.Raw(part), "pk")
		sel.AppendSelectExprAs(entsql.RowNumber().PartitionExpr(entsql.Raw(part)).OrderExpr(orderBy...), "rn")
		// Wrap as text: renaming the selector (As) would change the table alias that
		// already-built filters refer to.
		inner, innerArgs := sel.Query()
		mark := "?"
		if db.Dialect == dialect.Postgres {
			mark = fmt.Sprintf("$%d", len(innerArgs)+1)
		}
		query = "SELECT * FROM (" + inner + ") w WHERE rn <= " + mark + " ORDER BY pk, rn"
		args = append(innerArgs, w.limit+1)
	}
	var rows entsql.Rows
	if err := db.Driver.Query(ctx, query, args, &rows); err != nil {
		return nil, fmt.Errorf("list %s: %w", l.Key, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, pk, rn int64
		dests := []any{&id}
		for _, tm := range l.Order {
			dests = append(dests, tm.Kind.scanDest())
		}
		var build func() (any, error)
		if l.Row != nil {
			var rowDests []any
			rowDests, build = l.Row.New()
			dests = append(dests, rowDests...)
		}
		if l.Partition != "" {
			dests = append(dests, &pk, &rn)
		}
		if err := rows.Scan(dests...); err != nil {
			return nil, fmt.Errorf("scan %s: %w", l.Key, err)
		}
		r := Ref{Parent: int(pk), ID: int(id)}
		if build != nil {
			item, err := build()
			if err != nil {
				return nil, fmt.Errorf("scan %s: %w", l.Key, err)
			}
			r.Item = item
		}
		for i, tm := range l.Order {
			v, err := tm.Kind.value(dests[i+1])
			if err != nil {
				return nil, fmt.Errorf("scan %s: %w", l.Key, err)
			}
			r.values = append(r.values, v)
		}
		p := pages[r.Parent]
		if p == nil {
			continue
		}
		p.Refs = append(p.Refs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", l.Key, err)
	}
	for _, p := range pages {
		more := len(p.Refs) > w.limit
		if more {
			p.Refs = p.Refs[:w.limit]
		}
		if w.backward {
			slices.Reverse(p.Refs)
			p.HasPrev, p.HasNext = more, w.before != nil
		} else {
			p.HasNext, p.HasPrev = more, w.after != nil
		}
	}
	return pages, nil
}

// keyset returns the predicate for rows strictly after (or before) the given sort values in
// the order described by terms and desc:
// (a > x) OR (a = x AND b > y) OR (a = x AND b = y AND id > z).
func keyset(terms []Term, desc []bool, values []any, after bool) *entsql.Predicate {
	ors := make([]*entsql.Predicate, 0, len(terms))
	for i := range terms {
		ands := make([]*entsql.Predicate, 0, i+1)
		for j := 0; j < i; j++ {
			ands = append(ands, compare(terms[j], "=", values[j]))
		}
		op := ">"
		if desc[i] == after {
			op = "<"
		}
		ands = append(ands, compare(terms[i], op, values[i]))
		ors = append(ors, entsql.And(ands...))
	}
	return entsql.Or(ors...)
}

func compare(t Term, op string, v any) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		t.Expr(b)
		b.WriteString(" " + op + " ")
		b.Arg(v)
	})
}

// Column returns a Term expression for a column of the listed table.
func Column(name string) func(b *entsql.Builder) {
	return func(b *entsql.Builder) { b.Ident("t").WriteByte('.').Ident(name) }
}

// Slice pages through a list already in memory and in its base order (used for
// small per-parent lists such as a product's variants). pos gives each item's sort value.
func Slice[T any](items []T, key string, pos func(T) (int64, int), a Args) (Page[T], error) {
	return slice(items, key, pos, a, false)
}

// SliceEnds is Slice for a connection whose edges carry no cursor (a product's
// variants): only the first and last items' cursors, the page info's, are encoded; the
// others are left empty.
func SliceEnds[T any](items []T, key string, pos func(T) (int64, int), a Args) (Page[T], error) {
	return slice(items, key, pos, a, true)
}

func slice[T any](items []T, key string, pos func(T) (int64, int), a Args, endsOnly bool) (Page[T], error) {
	w, err := a.Window(key, []Kind{KindInt})
	if err != nil {
		return Page[T]{}, err
	}
	if w.reverse {
		items = slices.Clone(items)
		slices.Reverse(items)
	}
	less := func(x T, c *cursor) int { // -1 before, 0 same, +1 after c in base order
		v, id := pos(x)
		cv := c.Values[0].(int64)
		r := 0
		switch {
		case v < cv:
			r = -1
		case v > cv:
			r = 1
		case id < c.ID:
			r = -1
		case id > c.ID:
			r = 1
		}
		if w.reverse {
			r = -r
		}
		return r
	}
	lo, hi := 0, len(items)
	if w.after != nil {
		for lo < hi && less(items[lo], w.after) <= 0 {
			lo++
		}
	}
	if w.before != nil {
		for hi > lo && less(items[hi-1], w.before) >= 0 {
			hi--
		}
	}
	var p Page[T]
	sel := items[lo:hi]
	if w.backward {
		if len(sel) > w.limit {
			sel, p.HasPreviousPage = sel[len(sel)-w.limit:], true
		}
		p.HasNextPage = w.before != nil && hi < len(items)
	} else {
		if len(sel) > w.limit {
			sel, p.HasNextPage = sel[:w.limit], true
		}
		p.HasPreviousPage = w.after != nil && lo > 0
	}
	p.Items = sel
	p.Cursors = make([]string, len(sel))
	for i, it := range sel {
		if endsOnly && i != 0 && i != len(sel)-1 {
			continue
		}
		v, id := pos(it)
		p.Cursors[i] = cursor{Key: key, Values: []any{v}, ID: id}.encode()
	}
	return p, nil
}

// Assemble puts loaded rows into the order list found them, with their cursors.
func Assemble[T any](rp *RefPage, items []T, id func(T) int) Page[T] {
	byID := make(map[int]T, len(items))
	for _, it := range items {
		byID[id(it)] = it
	}
	pg := Page[T]{HasNextPage: rp.HasNext, HasPreviousPage: rp.HasPrev}
	for i, r := range rp.Refs {
		if it, ok := byID[r.ID]; ok {
			pg.Items = append(pg.Items, it)
			pg.Cursors = append(pg.Cursors, rp.Cursor(i))
		}
	}
	return pg
}

// CursorKey returns the sort key a cursor was made for ("" when s is not a cursor), so a
// connection that joins several listings can tell whose cursor it was given.
func CursorKey(s string) string {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 4096 {
		return ""
	}
	var c cursor
	if json.Unmarshal(b, &c) != nil {
		return ""
	}
	return c.Key
}
