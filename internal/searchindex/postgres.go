package searchindex

import (
	"context"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// pgWeights are ts_rank's weights for labels {D, C, B, A}: title is A, body B, tags C.
const pgWeights = "'{0.1, 0.4, 0.2, 1.0}'"

type postgresEngine struct{}

func (postgresEngine) Migrate(ctx context.Context, db Conn) error {
	for _, k := range Kinds {
		t := k.table()
		for _, q := range []string{
			"CREATE TABLE IF NOT EXISTS " + t + " (id BIGINT PRIMARY KEY, title TEXT NOT NULL, tags TEXT NOT NULL, body TEXT NOT NULL, words TEXT NOT NULL, " +
				"document tsvector GENERATED ALWAYS AS (" +
				"setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', tags), 'C') || " +
				"setweight(to_tsvector('english', body), 'B')) STORED)",
			"CREATE INDEX IF NOT EXISTS " + t + "_document ON " + t + " USING GIN (document)",
		} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("create %s: %w", t, err)
			}
		}
	}
	return migrateVocabulary(ctx, db)
}

func (postgresEngine) Put(ctx context.Context, db Conn, kind Kind, docs []Document) error {
	for start := 0; start < len(docs); start += 200 {
		batch := docs[start:min(start+200, len(docs))]
		args := make([]any, 0, 4*len(batch))
		rows := make([]string, len(batch))
		for i, d := range batch {
			n := len(args)
			rows[i] = fmt.Sprintf("($%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5)
			args = append(args, d.ID, d.Title, d.Tags, d.Body, strings.Join(d.Words, " "))
		}
		q := "INSERT INTO " + kind.table() + " (id, title, tags, body, words) VALUES " + strings.Join(rows, ", ") +
			" ON CONFLICT (id) DO UPDATE SET title = excluded.title, tags = excluded.tags, body = excluded.body, words = excluded.words"
		if _, err := db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("index %ss: %w", kind, err)
		}
	}
	return nil
}

func (postgresEngine) Delete(ctx context.Context, db Conn, kind Kind, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	in, args := inList(dialect.Postgres, ids)
	q := "DELETE FROM " + kind.table() + " WHERE id IN " + in
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("remove %ss from the index: %w", kind, err)
	}
	return nil
}

func (postgresEngine) Words(ctx context.Context, db Conn, kind Kind, ids []int) (map[int][]string, error) {
	return storedWords(ctx, db, dialect.Postgres, "SELECT id, words FROM "+kind.table()+" WHERE id IN ", ids)
}

func (postgresEngine) Count(ctx context.Context, db Conn, kind Kind) (int, error) {
	return countRows(ctx, db, "SELECT COUNT(*) FROM "+kind.table())
}

// pgSyntax is to_tsquery's syntax; the english configuration stems each lexeme.
var pgSyntax = syntax{
	word: func(w Word, f Field) string {
		s := "'" + safeWord(w.Text) + "'"
		label := pgLabel(f)
		switch {
		case w.Prefix:
			s += ":*" + label
		case label != "":
			s += ":" + label
		}
		return s
	},
	phrase: func(p Phrase, f Field) string {
		ws := make([]string, 0, len(p))
		label := pgLabel(f)
		for _, w := range p {
			s := "'" + safeWord(w) + "'"
			if label != "" {
				s += ":" + label
			}
			ws = append(ws, s)
		}
		return "(" + strings.Join(ws, " <-> ") + ")"
	},
	and: " & ",
	or:  " | ",
}

func pgLabel(f Field) string {
	switch f {
	case TitleOnly:
		return "A"
	case TagsOnly:
		return "C"
	}
	return ""
}

func (postgresEngine) Matches(kind Kind, col string, e Expr, f Field) *entsql.Predicate {
	q := pgSyntax.render(e, f)
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString(col + " IN (SELECT id FROM " + kind.table() + " WHERE document @@ to_tsquery('english', ").Arg(q).WriteString("))")
	})
}

func (postgresEngine) JoinRanked(sel *entsql.Selector, kind Kind, alias string, e Expr, left bool) {
	q := pgSyntax.render(e, AnyField)
	m := entsql.Dialect(dialect.Postgres).Select().
		AppendSelectExprAs(entsql.Raw("id"), "id").
		AppendSelectExprAs(entsql.ExprFunc(func(b *entsql.Builder) {
			b.WriteString("CAST(ts_rank(" + pgWeights + ", document, to_tsquery('english', ").Arg(q).WriteString(")) * 1000000 AS BIGINT)")
		}), "rank").
		From(entsql.Table(kind.table())).
		Where(entsql.P(func(b *entsql.Builder) {
			b.WriteString("document @@ to_tsquery('english', ").Arg(q).WriteByte(')')
		}))
	m.As(alias)
	if left {
		sel.LeftJoin(m).On(sel.C("id"), m.C("id"))
		return
	}
	sel.Join(m).On(sel.C("id"), m.C("id"))
}
