package store

import (
	"errors"

	"github.com/lib/pq"
	"github.com/mattn/go-sqlite3"
)

// Retryable reports whether err ended a transaction because it conflicted with another
// one, so that running the whole transaction again may succeed: a PostgreSQL deadlock
// (40P01) or serialization failure (40001), or SQLite's database busy or locked (its busy
// timeout ran out).
func Retryable(err error) bool {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return pe.Code == "40P01" || pe.Code == "40001"
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return false
}
