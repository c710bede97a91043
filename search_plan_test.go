package main

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"storefront/internal/catalog"
	"storefront/internal/demo"
	"storefront/internal/store"
	"storefront/internal/storetest"
)

// fullScan finds a plan step that reads every row of products (or of their variants).
var fullScan = map[string]*regexp.Regexp{
	dialect.SQLite:   regexp.MustCompile(`(?m)^SCAN (t|t1|products|v|product_variants)\b`),
	dialect.Postgres: regexp.MustCompile(`Seq Scan on (products|product_variants)\b`),
}

// explain returns the plan of a statement; on PostgreSQL with sequential scans priced out,
// so that a sequential scan in the plan means no index could serve the statement.
func explain(t *testing.T, db *store.DB, query string, args []any) string {
	t.Helper()
	ctx := context.Background()
	if db.Dialect == dialect.Postgres {
		tx, err := db.SQL.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, "SET LOCAL enable_seqscan = off"); err != nil {
			t.Fatal(err)
		}
		rows, err := tx.QueryContext(ctx, "EXPLAIN "+query, args...)
		return planRows(t, rows, err)
	}
	rows, err := db.SQL.QueryContext(ctx, "EXPLAIN QUERY PLAN "+query, args...)
	return planRows(t, rows, err)
}

func planRows(t *testing.T, rows *sql.Rows, err error) string {
	t.Helper()
	if err != nil {
		t.Fatalf("explain: %v", err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
	}
	return strings.Join(lines, "\n")
}

// TestSearchUsesTheIndex checks the plan of every statement a text search, its facets and
// total, and a predictive search run: none reads every product or variant row.
func TestSearchUsesTheIndex(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		db := b.Open(t)
		searchFixture(t, db)
		if err := demo.Synthetic(context.Background(), db, "http://x", 200); err != nil {
			t.Fatal(err)
		}
		cat := catalog.New(db)
		type stmt struct {
			query string
			args  []any
		}
		var stmts []stmt
		ctx := store.WithTrace(context.Background(), func(q string, args []any) { stmts = append(stmts, stmt{q, args}) })
		first := 20
		for _, q := range []string{"shirt", "linen shirt", `"linen shirt" -oxford`, "shirt tag:classic", "shrit"} {
			for _, sort := range []string{"RELEVANCE", "PRICE"} {
				res, err := cat.Search(ctx, catalog.SearchRequest{Query: q, Sort: sort, Currency: "USD", Args: catalog.Args{First: &first},
					Filters: []catalog.ProductFilter{{Vendor: ptr("Acme")}}})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := res.Facets(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := cat.Predictive(ctx, catalog.PredictiveRequest{Query: "linen shi"}); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, s := range stmts {
			if !strings.HasPrefix(s.query, "SELECT") {
				continue
			}
			plan := explain(t, db, s.query, s.args)
			checked++
			if m := fullScan[db.Dialect].FindString(plan); m != "" {
				t.Errorf("statement reads every row (%s):\n%s\nplan:\n%s", m, s.query, plan)
			}
		}
		if checked < 20 {
			t.Fatalf("checked only %d statements", checked)
		}
	})
}

func ptr[T any](v T) *T { return &v }
