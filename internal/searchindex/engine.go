package searchindex

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// Kind is a kind of indexed document; each kind has its own index table.
type Kind string

// Document kinds.
const (
	Products    Kind = "product"
	Collections Kind = "collection"
	Pages       Kind = "page"
	Articles    Kind = "article"
)

// Kinds lists every document kind.
var Kinds = []Kind{Products, Collections, Pages, Articles}

func (k Kind) table() string { return string(k) + "_search" }

// Document is what the index holds for one row: folded text in three fields. Title matches
// rank above tag matches, which rank above body matches.
type Document struct {
	ID    int
	Title string
	Tags  string
	Body  string
	// Words are the document's vocabulary words (stored, not searched), so that a later
	// refresh knows which words it stops using.
	Words []string
}

// Expr is a full-text match expression: Word, Phrase, All or Any.
type Expr interface{ match() }

// Word matches documents containing the (folded) word, or a word starting with it when
// Prefix is set. Words are stemmed by the engine, so "shirts" matches "shirt".
type Word struct {
	Text   string
	Prefix bool
}

// Phrase matches the words next to each other, in order.
type Phrase []string

// All matches documents matching every part; Any, documents matching at least one.
type (
	All []Expr
	Any []Expr
)

func (Word) match()   {}
func (Phrase) match() {}
func (All) match()    {}
func (Any) match()    {}

// Field restricts a match to one field of the documents ("" is every field).
type Field string

// Fields of a document.
const (
	AnyField  Field = ""
	TitleOnly Field = "title"
	TagsOnly  Field = "tags"
)

// Conn runs statements: the ent client or transaction (sql/execquery), or a *sql.DB.
type Conn interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Engine is one database's full-text search. SQL built by an engine refers to the
// documents' own table through the "id" column of the selector it is applied to.
type Engine interface {
	// Migrate creates the index tables if they are missing.
	Migrate(ctx context.Context, db Conn) error
	// Put replaces the documents of a kind with the given ones (inserting new ones).
	Put(ctx context.Context, db Conn, kind Kind, docs []Document) error
	// Delete removes documents from the index.
	Delete(ctx context.Context, db Conn, kind Kind, ids []int) error
	// Words returns the stored vocabulary words of the documents that exist among ids.
	Words(ctx context.Context, db Conn, kind Kind, ids []int) (map[int][]string, error)
	// Count is the number of documents of a kind in the index.
	Count(ctx context.Context, db Conn, kind Kind) (int, error)
	// Matches is "the row's id (column col) is a document of kind matching e".
	Matches(kind Kind, col string, e Expr, f Field) *entsql.Predicate
	// JoinRanked joins the documents of kind matching e to sel on its "id" column, as
	// alias, with their relevance (see Rank). With left set it is a left join, so rows that
	// do not match stay.
	JoinRanked(sel *entsql.Selector, kind Kind, alias string, e Expr, left bool)
}

// For returns the engine of a dialect.
func For(dialectName string) Engine {
	if dialectName == dialect.Postgres {
		return postgresEngine{}
	}
	return sqliteEngine{}
}

// Rank is the integer relevance of a row joined by JoinRanked as alias (higher is
// better; 0 for rows a left join did not match).
func Rank(alias string) func(*entsql.Builder) {
	return func(b *entsql.Builder) {
		b.WriteString("COALESCE(").Ident(alias).WriteByte('.').Ident("rank").WriteString(", 0)")
	}
}

// valid reports whether e has at least one word to match.
func valid(e Expr) bool {
	switch e := e.(type) {
	case Word:
		return e.Text != ""
	case Phrase:
		return len(e) > 0
	case All:
		for _, x := range e {
			if !valid(x) {
				return false
			}
		}
		return len(e) > 0
	case Any:
		for _, x := range e {
			if !valid(x) {
				return false
			}
		}
		return len(e) > 0
	}
	return false
}

// Valid reports whether e can be rendered: every word non-empty, every group non-empty.
func Valid(e Expr) bool { return e != nil && valid(e) }

// render writes e in an engine's syntax.
type syntax struct {
	word   func(w Word, f Field) string
	phrase func(p Phrase, f Field) string
	and    string
	or     string
}

func (s syntax) render(e Expr, f Field) string {
	switch e := e.(type) {
	case Word:
		return s.word(e, f)
	case Phrase:
		return s.phrase(e, f)
	case All:
		return s.group(e, s.and, f)
	case Any:
		return s.group(e, s.or, f)
	}
	panic(fmt.Sprintf("searchindex: unknown expression %T", e))
}

func (s syntax) group(parts []Expr, op string, f Field) string {
	if len(parts) == 1 {
		return s.render(parts[0], f)
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = s.render(p, f)
	}
	return "(" + strings.Join(out, op) + ")"
}

// safeWord keeps letters and digits only: words reach the engines' query syntax verbatim.
func safeWord(w string) string {
	return strings.Join(Words(w), "")
}
