package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"reflect"

	"github.com/lib/pq"
)

// openPostgres opens PostgreSQL so that a statement with parameters is one round trip.
//
// By default lib/pq runs such a statement in two: it prepares it (Parse, Describe, Sync:
// wait for the parameter types) and then executes it (Bind, Execute, Sync). In its
// binary_parameters mode it sends Parse, Bind and Execute at once, with the parameters as
// text (PostgreSQL infers their types from the statement, as it does when preparing) —
// except []byte values, which it sends in binary. Every []byte this code sends is JSON
// (ent's JSON fields, jsonb columns; there are no bytea columns, TestNoByteaColumns keeps
// it so), and jsonb's binary form is not its text, so byte slices are passed as strings:
// exactly the bytes the two-round-trip path sent.
func openPostgres(dsn string) (*sql.DB, error) {
	cfg, err := pq.NewConfig(dsn)
	if err != nil {
		return nil, err
	}
	cfg.BinaryParameters = true
	c, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(textBytesConnector{c}), nil
}

type textBytesConnector struct{ *pq.Connector }

func (c textBytesConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := cn.(pqConn)
	if !ok {
		cn.Close()
		return nil, fmt.Errorf("lib/pq connection %T lacks a driver interface", cn)
	}
	return textBytesConn{pc}, nil
}

// pqConn is what database/sql uses of a lib/pq connection.
type pqConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// textBytesConn is a lib/pq connection whose []byte parameters (JSON) travel as text.
type textBytesConn struct{ pqConn }

// CheckNamedValue turns byte slices, and values whose driver.Valuer gives one, into strings,
// then lets lib/pq check the value.
func (c textBytesConn) CheckNamedValue(nv *driver.NamedValue) error {
	if v, ok := nv.Value.(driver.Valuer); ok {
		if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && rv.IsNil() {
			nv.Value = nil
		} else {
			val, err := v.Value()
			if err != nil {
				return err
			}
			nv.Value = val
		}
	}
	if nv.Value != nil {
		rv := reflect.ValueOf(nv.Value)
		for rv.Kind() == reflect.Pointer && !rv.IsNil() {
			rv = rv.Elem()
		}
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			if rv.IsNil() {
				nv.Value = nil
			} else {
				nv.Value = string(rv.Bytes())
			}
		}
	}
	return c.pqConn.CheckNamedValue(nv)
}
