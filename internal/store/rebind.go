package store

import (
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
)

// Marks is "?, ?, …" with n placeholders, for an IN list or a row of a hand-written
// statement (Rebind numbers them for PostgreSQL).
func Marks(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// Rebind writes the ? placeholders of a hand-written statement as the dialect numbers them:
// unchanged for SQLite, $1, $2, … for PostgreSQL.
func Rebind(dialectName, q string) string {
	if dialectName != dialect.Postgres {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	for i := 0; i < len(q); i++ {
		if q[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(q[i])
	}
	return b.String()
}
