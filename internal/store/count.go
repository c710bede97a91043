package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"

	"entgo.io/ent/dialect"
	"go.opentelemetry.io/otel/attribute"

	"storefront/internal/tracing"
)

type counterKey struct{}

// Counter counts the SQL statements run on behalf of one request.
type Counter struct{ n atomic.Int64 }

// Load is the number of statements counted so far.
func (c *Counter) Load() int64 { return c.n.Load() }

// WithCounter returns a context whose statements are counted in c.
func WithCounter(ctx context.Context, c *Counter) context.Context {
	return context.WithValue(ctx, counterKey{}, c)
}

// CounterFrom returns the context's statement counter, or nil.
func CounterFrom(ctx context.Context) *Counter {
	c, _ := ctx.Value(counterKey{}).(*Counter)
	return c
}

// sqlSpan traces one statement when the request is traced (see internal/tracing).
func sqlSpan(ctx context.Context, query string) (context.Context, func(error)) {
	return tracing.Span(ctx, "sql", attribute.String("db.query.text", query))
}

type traceKey struct{}

// WithTrace returns a context whose statements are also shown to f, with their arguments
// (tests use it to check query plans).
func WithTrace(ctx context.Context, f func(query string, args []any)) context.Context {
	return context.WithValue(ctx, traceKey{}, f)
}

func count(ctx context.Context, query string, args any) {
	if c := CounterFrom(ctx); c != nil {
		c.n.Add(1)
	}
	if f, _ := ctx.Value(traceKey{}).(func(string, []any)); f != nil {
		a, _ := args.([]any)
		f(query, a)
	}
}

// countingDriver counts every statement (queries and execs, in transactions too) against
// the counter of the calling context, so tests and logs can see statements per request.
// It also reports catalog writes to changes: at once outside a transaction, at commit
// inside one.
type countingDriver struct {
	dialect.Driver
	changes *Changes
}

func (d *countingDriver) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx, query, args)
	ctx, end := sqlSpan(ctx, query)
	err := d.Driver.Exec(ctx, query, args, v)
	end(err)
	d.wrote(query)
	return err
}

func (d *countingDriver) Query(ctx context.Context, query string, args, v any) error {
	count(ctx, query, args)
	ctx, end := sqlSpan(ctx, query)
	err := d.Driver.Query(ctx, query, args, v)
	end(err)
	d.wrote(query)
	return err
}

// wrote reports a statement run outside a transaction, failed or not (a failed statement
// may still have written).
func (d *countingDriver) wrote(query string) {
	if writesCatalog(query) {
		d.changes.changed()
	}
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, changes: d.changes}, nil
}

type countingTx struct {
	dialect.Tx
	changes *Changes
	// dirty is set once a statement of the transaction wrote the catalog.
	dirty atomic.Bool
}

func (t *countingTx) Exec(ctx context.Context, query string, args, v any) error {
	count(ctx, query, args)
	t.mark(query)
	ctx, end := sqlSpan(ctx, query)
	err := t.Tx.Exec(ctx, query, args, v)
	end(err)
	return err
}

func (t *countingTx) mark(query string) {
	if !t.dirty.Load() && writesCatalog(query) {
		t.dirty.Store(true)
	}
}

// Commit commits and then reports a catalog change if the transaction wrote the catalog.
func (t *countingTx) Commit() error {
	err := t.Tx.Commit()
	if err == nil && t.dirty.Load() {
		t.changes.changed()
	}
	return err
}

func (t *countingTx) Query(ctx context.Context, query string, args, v any) error {
	count(ctx, query, args)
	t.mark(query)
	ctx, end := sqlSpan(ctx, query)
	err := t.Tx.Query(ctx, query, args, v)
	end(err)
	return err
}

// BeginTx starts a transaction with options (isolation level, read-only).
func (d *countingDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	b, ok := d.Driver.(interface {
		BeginTx(context.Context, *sql.TxOptions) (dialect.Tx, error)
	})
	if !ok {
		return nil, fmt.Errorf("driver %T cannot begin a transaction with options", d.Driver)
	}
	tx, err := b.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, changes: d.changes}, nil
}

type execQuerier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func execContext(ctx context.Context, d any, query string, args []any) (sql.Result, error) {
	eq, ok := d.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("driver %T cannot run raw statements", d)
	}
	count(ctx, query, args)
	ctx, end := sqlSpan(ctx, query)
	res, err := eq.ExecContext(ctx, query, args...)
	end(err)
	return res, err
}

func queryContext(ctx context.Context, d any, query string, args []any) (*sql.Rows, error) {
	eq, ok := d.(execQuerier)
	if !ok {
		return nil, fmt.Errorf("driver %T cannot run raw queries", d)
	}
	count(ctx, query, args)
	ctx, end := sqlSpan(ctx, query)
	rows, err := eq.QueryContext(ctx, query, args...)
	end(err)
	return rows, err
}

// ExecContext runs a raw statement (ent's Client.ExecContext lands here).
func (d *countingDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := execContext(ctx, d.Driver, query, args)
	d.wrote(query)
	return res, err
}

// QueryContext runs a raw query (ent's Client.QueryContext lands here).
func (d *countingDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := queryContext(ctx, d.Driver, query, args)
	d.wrote(query)
	return rows, err
}

// ExecContext runs a raw statement inside the transaction.
func (t *countingTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	t.mark(query)
	return execContext(ctx, t.Tx, query, args)
}

// QueryContext runs a raw query inside the transaction.
func (t *countingTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	t.mark(query)
	return queryContext(ctx, t.Tx, query, args)
}
