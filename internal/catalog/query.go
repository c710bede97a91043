package catalog

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/internal/gid"
	"storefront/internal/money"
	"storefront/internal/paging"
)

// Limits of a search query string.
const (
	MaxQueryLength = 1000
	maxQueryTerms  = 100
	maxQueryDepth  = 20
)

// Query is a parsed Shopify search query ("red shirt", "tag:sale AND -vendor:acme",
// "variants.price:>=10", "(a OR b) title:sho*"). The zero Query matches everything.
type Query struct {
	Root Expr
}

// Expr is a node of a parsed query: And, Or, Not or Term.
type Expr interface{ expr() }

// And matches when all its parts match.
type And []Expr

// Or matches when any of its parts matches.
type Or []Expr

// Not matches when its part does not.
type Not struct{ X Expr }

// Term is one condition: free text (Field "") or field:value, with an optional comparison
// operator (":" means equality or containment, depending on the field).
type Term struct {
	Field  string
	Op     string // ":", ">", ">=", "<", "<="
	Value  string
	Prefix bool // value ended in * (prefix match)
	Phrase bool // value was quoted
}

func (And) expr()  {}
func (Or) expr()   {}
func (Not) expr()  {}
func (Term) expr() {}

// ParseQuery parses the search syntax leniently: an unclosed quote runs to the end, a
// stray parenthesis is ignored, and a query of only spaces matches everything. Over-long
// queries are refused with an InputError.
func ParseQuery(s string) (*Query, error) {
	if utf8.RuneCountInString(s) > MaxQueryLength {
		return nil, &paging.InputError{Argument: "query", Message: fmt.Sprintf("query is longer than %d characters", MaxQueryLength)}
	}
	toks := lex(s)
	terms := 0
	for _, t := range toks {
		if t.kind == tokTerm {
			terms++
		}
	}
	if terms > maxQueryTerms {
		return nil, &paging.InputError{Argument: "query", Message: fmt.Sprintf("query has more than %d terms", maxQueryTerms)}
	}
	p := &parser{toks: toks}
	var root Expr
	for p.pos < len(p.toks) {
		e := p.or(0)
		if e != nil {
			root = joinAnd(root, e)
		}
		if p.pos < len(p.toks) && p.toks[p.pos].kind == tokRParen {
			p.pos++ // a stray ")"
		}
	}
	if p.tooDeep {
		return nil, &paging.InputError{Argument: "query", Message: fmt.Sprintf("query nests parentheses deeper than %d", maxQueryDepth)}
	}
	return &Query{Root: root}, nil
}

func joinAnd(a, b Expr) Expr {
	if a == nil {
		return b
	}
	if and, ok := a.(And); ok {
		return append(and, b)
	}
	return And{a, b}
}

type tokKind int

const (
	tokTerm tokKind = iota
	tokAnd
	tokOr
	tokNot
	tokLParen
	tokRParen
)

type token struct {
	kind tokKind
	term Term
}

func lex(s string) []token {
	var toks []token
	rs := []rune(s)
	i := 0
	readQuoted := func() string { // at rs[i] == '"'
		i++
		start := i
		for i < len(rs) && rs[i] != '"' {
			i++
		}
		v := string(rs[start:i])
		if i < len(rs) {
			i++
		}
		return v
	}
	for i < len(rs) {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
		case r == '(':
			toks = append(toks, token{kind: tokLParen})
			i++
		case r == ')':
			toks = append(toks, token{kind: tokRParen})
			i++
		case r == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) && rs[i+1] != ')':
			toks = append(toks, token{kind: tokNot})
			i++
		case r == '"':
			v := readQuoted()
			if strings.TrimSpace(v) != "" {
				toks = append(toks, token{kind: tokTerm, term: Term{Op: ":", Value: v, Phrase: true}})
			}
		default:
			start := i
			for i < len(rs) && !unicode.IsSpace(rs[i]) && rs[i] != '(' && rs[i] != ')' && rs[i] != ':' && rs[i] != '"' {
				i++
			}
			word := string(rs[start:i])
			if i < len(rs) && rs[i] == ':' && word != "" {
				i++ // field:value
				t := Term{Field: strings.ToLower(word), Op: ":"}
				if i < len(rs) && rs[i] == '"' {
					t.Value, t.Phrase = readQuoted(), true
				} else {
					vs := i
					for i < len(rs) && !unicode.IsSpace(rs[i]) && rs[i] != ')' {
						i++
					}
					t.Value = string(rs[vs:i])
					for _, op := range []string{">=", "<=", ">", "<", "="} {
						if strings.HasPrefix(t.Value, op) {
							t.Op, t.Value = op, t.Value[len(op):]
							if op == "=" {
								t.Op = ":"
							}
							break
						}
					}
					if strings.HasPrefix(t.Value, `"`) { // field:>"quoted"
						t.Value, t.Phrase = strings.Trim(t.Value, `"`), true
					}
				}
				if !t.Phrase && strings.HasSuffix(t.Value, "*") {
					t.Value, t.Prefix = strings.TrimRight(t.Value, "*"), true
				}
				if t.Value != "" {
					toks = append(toks, token{kind: tokTerm, term: t})
				}
				continue
			}
			if word == "" { // a lone ':' or similar
				i++
				continue
			}
			switch word {
			case "AND":
				toks = append(toks, token{kind: tokAnd})
			case "OR":
				toks = append(toks, token{kind: tokOr})
			case "NOT":
				toks = append(toks, token{kind: tokNot})
			default:
				t := Term{Op: ":", Value: word}
				if strings.HasSuffix(word, "*") {
					t.Value, t.Prefix = strings.TrimRight(word, "*"), true
				}
				if t.Value != "" {
					toks = append(toks, token{kind: tokTerm, term: t})
				}
			}
		}
	}
	return toks
}

type parser struct {
	toks    []token
	pos     int
	tooDeep bool
}

func (p *parser) peek() (token, bool) {
	if p.pos >= len(p.toks) {
		return token{}, false
	}
	return p.toks[p.pos], true
}

func (p *parser) or(depth int) Expr {
	var parts Or
	for {
		if e := p.and(depth); e != nil {
			parts = append(parts, e)
		}
		t, ok := p.peek()
		if !ok || t.kind != tokOr {
			break
		}
		p.pos++
	}
	return collapse(parts)
}

// collapse returns nil for no parts, the part itself for one, else the And or Or.
func collapse[T interface {
	~[]Expr
	Expr
}](parts T) Expr {
	switch len(parts) {
	case 0:
		return nil
	case 1:
		return parts[0]
	}
	return parts
}

func (p *parser) and(depth int) Expr {
	var parts And
	for {
		t, ok := p.peek()
		if !ok || t.kind == tokOr || t.kind == tokRParen {
			break
		}
		if t.kind == tokAnd {
			p.pos++
			continue
		}
		if e := p.unary(depth); e != nil {
			parts = append(parts, e)
		}
	}
	return collapse(parts)
}

func (p *parser) unary(depth int) Expr {
	t, ok := p.peek()
	if !ok {
		return nil
	}
	switch t.kind {
	case tokNot:
		p.pos++
		if x := p.unary(depth); x != nil {
			return Not{X: x}
		}
		return nil
	case tokLParen:
		p.pos++
		if depth >= maxQueryDepth {
			p.tooDeep = true
		}
		e := p.or(depth + 1)
		if t, ok := p.peek(); ok && t.kind == tokRParen {
			p.pos++
		}
		return e
	case tokTerm:
		p.pos++
		return t.term
	}
	p.pos++ // AND/OR where a term should be
	return nil
}

// CollectionPredicate translates the query into a predicate over collections.
func (q *Query) CollectionPredicate() (func(*entsql.Selector), error) {
	return q.predicate(collectionTerm)
}

// Predicate translates the query with a caller's translation of single terms (for
// listings other than products and collections).
func (q *Query) Predicate(term func(*entsql.Selector, Term) (*entsql.Predicate, error)) (func(*entsql.Selector), error) {
	return q.predicate(term)
}

func (q *Query) predicate(term func(*entsql.Selector, Term) (*entsql.Predicate, error)) (func(*entsql.Selector), error) {
	if q == nil || q.Root == nil {
		return nil, nil
	}
	// Translate once against a probe selector to surface value errors now; the real
	// selector (with its own alias) is used when the listing runs.
	probe := entsql.Select().From(entsql.Table("probe"))
	if _, err := build(probe, q.Root, term); err != nil {
		return nil, err
	}
	root := q.Root
	return func(s *entsql.Selector) {
		p, _ := build(s, root, term)
		s.Where(p)
	}, nil
}

func build(s *entsql.Selector, e Expr, term func(*entsql.Selector, Term) (*entsql.Predicate, error)) (*entsql.Predicate, error) {
	var parts []Expr
	switch e := e.(type) {
	case Term:
		return term(s, e)
	case Not:
		x, err := build(s, e.X, term)
		if err != nil {
			return nil, err
		}
		return entsql.Not(x), nil
	case And:
		parts = e
	case Or:
		parts = e
	}
	ps := make([]*entsql.Predicate, 0, len(parts))
	for _, x := range parts {
		p, err := build(s, x, term)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if _, ok := e.(Or); ok {
		return entsql.Or(ps...), nil
	}
	return entsql.And(ps...), nil
}

// LikeFold is LOWER(col) LIKE the text (a prefix when prefixOnly), with wildcards escaped.
func LikeFold(col, text string, prefixOnly bool) *entsql.Predicate {
	pattern := "%" + likeEscape(strings.ToLower(text)) + "%"
	if prefixOnly {
		pattern = likeEscape(strings.ToLower(text)) + "%"
	}
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString("LOWER(" + col + ") LIKE ").Arg(pattern).WriteString(` ESCAPE '\'`)
	})
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// wordPrefix matches text at the start of the column or of any word in it.
func wordPrefix(col, text string) *entsql.Predicate {
	return entsql.Or(LikeFold(col, text, true), LikeFold(col, " "+text, false))
}

func eqFold(col, v string) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString("LOWER(" + col + ") = ").Arg(strings.ToLower(v))
	})
}

func textMatch(col string, t Term) *entsql.Predicate {
	if t.Prefix {
		return wordPrefix(col, t.Value)
	}
	return LikeFold(col, t.Value, false)
}

// knownProductField reports whether a query field is a product condition (free text and
// title: go to the search index).
func knownProductField(f string) bool {
	switch f {
	case "tag", "tag_not", "product_type", "vendor", "handle", "sku", "available_for_sale",
		"variants.price", "price", "created_at", "updated_at", "published_at", "id":
		return true
	}
	return false
}

// productTerm translates a field term (see knownProductField) into a condition on products.
func productTerm(dialectName, currency string, s *entsql.Selector, t Term) (*entsql.Predicate, error) {
	id := s.C("id")
	switch t.Field {
	case "tag", "tag_not":
		p := HasTag(dialectName, s, t.Value)
		if t.Field == "tag_not" {
			p = entsql.Not(p)
		}
		return p, nil
	case "product_type", "vendor", "handle":
		if t.Prefix {
			return LikeFold(s.C(t.Field), t.Value, true), nil
		}
		return eqFold(s.C(t.Field), t.Value), nil
	case "sku":
		return variantWhere(id, func(b *entsql.Builder) {
			b.WriteString(" AND ")
			if t.Prefix {
				b.Join(LikeFold("v.sku", t.Value, true))
			} else {
				b.Join(eqFold("v.sku", t.Value))
			}
		}), nil
	case "available_for_sale":
		v, err := strconv.ParseBool(t.Value)
		if err != nil {
			return nil, &paging.InputError{Argument: "query", Message: "available_for_sale takes true or false"}
		}
		p := variantWhere(id, func(b *entsql.Builder) { b.WriteString(" AND v.available > 0") })
		if !v {
			p = entsql.Not(p)
		}
		return p, nil
	case "variants.price", "price":
		amount, err := money.Parse(t.Value, currency)
		if err != nil || amount < 0 {
			return nil, &paging.InputError{Argument: "query", Message: fmt.Sprintf("%s needs an amount such as 10 or 19.99, not %q", t.Field, t.Value)}
		}
		return variantWhere(id, func(b *entsql.Builder) {
			b.WriteString(" AND v.price " + sqlOp(t.Op) + " ").Arg(amount)
		}), nil
	case "created_at", "updated_at", "published_at":
		at, err := ParseQueryTime(t.Value)
		if err != nil {
			return nil, err
		}
		return CompareCol(s.C(t.Field), t.Op, at), nil
	case "id":
		n, err := parseQueryID(t.Value, gid.Product)
		if err != nil {
			return nil, err
		}
		return CompareCol(id, t.Op, n), nil
	}
	return nil, &paging.InputError{Argument: "query", Message: fmt.Sprintf("unknown field %q", t.Field)}
}

func collectionTerm(s *entsql.Selector, t Term) (*entsql.Predicate, error) {
	switch t.Field {
	case "", "title":
		return textMatch(s.C("title"), t), nil
	case "handle":
		return eqFold(s.C("handle"), t.Value), nil
	case "updated_at":
		at, err := ParseQueryTime(t.Value)
		if err != nil {
			return nil, err
		}
		return CompareCol(s.C("updated_at"), t.Op, at), nil
	case "id":
		n, err := parseQueryID(t.Value, gid.Collection)
		if err != nil {
			return nil, err
		}
		return CompareCol(s.C("id"), t.Op, n), nil
	}
	return textMatch(s.C("title"), Term{Value: t.Field + ":" + t.Value}), nil
}

// variantWhere is "some variant of the product meets cond". It is an uncorrelated IN
// subquery rather than EXISTS so that, inside OR and NOT, both databases evaluate it once
// per statement (a hashed subplan or a materialized set) instead of once per product.
func variantWhere(productID string, cond func(b *entsql.Builder)) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString(productID + " IN (SELECT v.product_id FROM product_variants v WHERE TRUE")
		cond(b)
		b.WriteByte(')')
	})
}

func sqlOp(op string) string {
	if op == ":" {
		return "="
	}
	return op
}

// CompareCol is "col op v" for a term operator (":" is equality).
func CompareCol(col, op string, v any) *entsql.Predicate {
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString(col + " " + sqlOp(op) + " ").Arg(v)
	})
}

// ParseQueryTime reads a date (2026-11-24) or RFC 3339 time in a query term.
func ParseQueryTime(v string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, &paging.InputError{Argument: "query", Message: fmt.Sprintf("%q is not a date (2026-11-24) or RFC 3339 time", v)}
}

func parseQueryID(v, typ string) (int, error) {
	if n, ok := gid.ParseAs(v, typ); ok {
		return n, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0, &paging.InputError{Argument: "query", Message: fmt.Sprintf("%q is not an ID", v)}
	}
	return n, nil
}
