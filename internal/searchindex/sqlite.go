package searchindex

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/mattn/go-sqlite3"
)

// SQLiteDriver is the database/sql driver name to open SQLite with: mattn/go-sqlite3 plus
// the rank function the SQLite engine orders matches by.
const SQLiteDriver = "sqlite3_storefront"

func init() {
	sql.Register(SQLiteDriver, &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			return c.RegisterFunc("storefront_rank", rankMatchinfo, true)
		},
	})
}

// Field weights: a title match counts most, then tags, then the body.
var sqliteWeights = [3]float64{10, 4, 1} // columns title, tags, body

// rankMatchinfo scores one row from FTS4's matchinfo(t, 'pcnx') blob with BM25-like term
// saturation and inverse document frequency, weighted by field. It returns an integer so
// the score can sit in a pagination cursor exactly.
func rankMatchinfo(info []byte) int64 {
	n := len(info) / 4
	if n < 3 {
		return 0
	}
	at := func(i int) float64 { return float64(binary.NativeEndian.Uint32(info[i*4:])) }
	phrases, cols, rows := int(at(0)), int(at(1)), at(2)
	if n < 3+3*phrases*cols {
		return 0
	}
	score := 0.0
	for p := 0; p < phrases; p++ {
		for c := 0; c < cols && c < len(sqliteWeights); c++ {
			base := 3 + 3*(p*cols+c)
			tf, docs := at(base), at(base+2)
			if tf == 0 {
				continue
			}
			idf := math.Log(1 + (rows-docs+0.5)/(docs+0.5))
			score += sqliteWeights[c] * tf / (tf + 1.2) * idf
		}
	}
	return int64(score * 10000)
}

type sqliteEngine struct{}

func (sqliteEngine) Migrate(ctx context.Context, db Conn) error {
	for _, k := range Kinds {
		q := "CREATE VIRTUAL TABLE IF NOT EXISTS " + k.table() + " USING fts4(title, tags, body, words, notindexed=words, tokenize=porter)"
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("create %s: %w", k.table(), err)
		}
	}
	return migrateVocabulary(ctx, db)
}

func (e sqliteEngine) Put(ctx context.Context, db Conn, kind Kind, docs []Document) error {
	if len(docs) == 0 {
		return nil
	}
	ids := make([]int, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	if err := e.Delete(ctx, db, kind, ids); err != nil {
		return err
	}
	for start := 0; start < len(docs); start += 200 {
		batch := docs[start:min(start+200, len(docs))]
		args := make([]any, 0, 4*len(batch))
		rows := make([]string, len(batch))
		for i, d := range batch {
			rows[i] = "(?, ?, ?, ?, ?)"
			args = append(args, d.ID, d.Title, d.Tags, d.Body, strings.Join(d.Words, " "))
		}
		q := "INSERT INTO " + kind.table() + " (docid, title, tags, body, words) VALUES " + strings.Join(rows, ", ")
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("index %ss: %w", kind, err)
		}
	}
	return nil
}

func (sqliteEngine) Delete(ctx context.Context, db Conn, kind Kind, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inList(dialect.SQLite, ids)
	q := "DELETE FROM " + kind.table() + " WHERE docid IN " + in
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("remove %ss from the index: %w", kind, err)
	}
	return nil
}

func (sqliteEngine) Words(ctx context.Context, db Conn, kind Kind, ids []int) (map[int][]string, error) {
	return storedWords(ctx, db, dialect.SQLite, "SELECT docid, words FROM "+kind.table()+" WHERE docid IN ", ids)
}

func (sqliteEngine) Count(ctx context.Context, db Conn, kind Kind) (int, error) {
	return countRows(ctx, db, "SELECT COUNT(*) FROM "+kind.table())
}

// sqliteSyntax is FTS4's enhanced query syntax (SQLITE_ENABLE_FTS3_PARENTHESIS, which
// mattn/go-sqlite3 compiles in).
var sqliteSyntax = syntax{
	word: func(w Word, f Field) string {
		s := safeWord(w.Text)
		if w.Prefix {
			s += "*"
		}
		return sqliteField(f) + s
	},
	phrase: func(p Phrase, f Field) string {
		ws := make([]string, 0, len(p))
		for _, w := range p {
			ws = append(ws, safeWord(w))
		}
		return sqliteField(f) + `"` + strings.Join(ws, " ") + `"`
	},
	and: " AND ",
	or:  " OR ",
}

func sqliteField(f Field) string {
	if f == AnyField {
		return ""
	}
	return string(f) + ":"
}

func (sqliteEngine) Matches(kind Kind, col string, e Expr, f Field) *entsql.Predicate {
	q := sqliteSyntax.render(e, f)
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString(col + " IN (SELECT docid FROM " + kind.table() + " WHERE " + kind.table() + " MATCH ").Arg(q).WriteByte(')')
	})
}

func (sqliteEngine) JoinRanked(sel *entsql.Selector, kind Kind, alias string, e Expr, left bool) {
	q := sqliteSyntax.render(e, AnyField)
	m := entsql.Dialect(dialect.SQLite).Select().
		AppendSelectExprAs(entsql.Raw("docid"), "id").
		AppendSelectExprAs(entsql.Raw("storefront_rank(matchinfo("+kind.table()+", 'pcnx'))"), "rank").
		From(entsql.Table(kind.table())).
		Where(entsql.P(func(b *entsql.Builder) { b.WriteString(kind.table() + " MATCH ").Arg(q) }))
	m.As(alias)
	if left {
		sel.LeftJoin(m).On(sel.C("id"), m.C("id"))
		return
	}
	sel.Join(m).On(sel.C("id"), m.C("id"))
}

// storedWords reads (id, words) rows of a statement ending in "IN ".
func storedWords(ctx context.Context, db Conn, dialectName, prefix string, ids []int) (map[int][]string, error) {
	out := map[int][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := inList(dialectName, ids)
	rows, err := db.QueryContext(ctx, prefix+in, args...)
	if err != nil {
		return nil, fmt.Errorf("read indexed words: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int
		var words string
		if err := rows.Scan(&id, &words); err != nil {
			return nil, err
		}
		out[id] = strings.Fields(words)
	}
	return out, rows.Err()
}

func countRows(ctx context.Context, db Conn, q string, args ...any) (int, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	if rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	return n, rows.Err()
}
