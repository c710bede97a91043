package catalog

import (
	"context"
	"slices"

	entsql "entgo.io/ent/dialect/sql"

	"storefront/internal/searchindex"
	"storefront/internal/store"
)

// textCompiler translates a parsed search query for the full-text engine: free-text terms
// (and title: terms) become full-text matches, with stopwords dropped, the last word
// optionally a prefix and likely misspellings widened to the words they misspell; other
// field terms (tag:, vendor:, variants.price:…) stay SQL conditions on products.
type textCompiler struct {
	dialect, currency string
	engine            searchindex.Engine
	prefixLast        bool
	corrections       map[string][]string
	texts, seen       int
}

// Nodes of a compiled query.
type (
	tAnd  []tNode
	tOr   []tNode
	tNot  struct{ x tNode }
	tText struct {
		e     searchindex.Expr
		field searchindex.Field
	}
	tField struct{ t Term }
	tNode  interface{}
)

// freeText reports whether a term searches text.
func freeText(t Term) bool { return t.Field == "" || t.Field == "title" }

func (c *textCompiler) lookupCorrections(ctx context.Context, db *store.DB, q *Query) error {
	var words []string
	var walk func(e Expr)
	walk = func(e Expr) {
		switch e := e.(type) {
		case And:
			for _, x := range e {
				walk(x)
			}
		case Or:
			for _, x := range e {
				walk(x)
			}
		case Not:
			walk(e.X)
		case Term:
			if freeText(e) || !knownProductField(e.Field) {
				c.texts++
				if !e.Phrase {
					words = append(words, searchindex.FoldWords(e.Value)...)
				}
			}
		}
	}
	walk(q.Root)
	m, err := searchindex.Corrections(ctx, db, db.Dialect, words)
	c.corrections = m
	return err
}

// convert compiles a query; nil means "everything".
func (c *textCompiler) convert(e Expr) tNode {
	switch e := e.(type) {
	case And:
		var out tAnd
		for _, x := range e {
			if n := c.convert(x); n != nil {
				out = append(out, n)
			}
		}
		switch len(out) {
		case 0:
			return nil
		case 1:
			return out[0]
		}
		return out
	case Or:
		var out tOr
		for _, x := range e {
			n := c.convert(x)
			if n == nil {
				return nil // "a OR <anything>" is anything
			}
			out = append(out, n)
		}
		if len(out) == 1 {
			return out[0]
		}
		return out
	case Not:
		if n := c.convert(e.X); n != nil {
			return tNot{n}
		}
		return nil
	case Term:
		if !freeText(e) && knownProductField(e.Field) {
			return tField{e}
		}
		if !freeText(e) {
			// An unknown field is text, as a lenient search box reads it.
			e = Term{Op: ":", Value: e.Field + " " + e.Value, Phrase: true}
		}
		c.seen++
		x := c.textExpr(e, c.prefixLast && c.seen == c.texts)
		if x == nil {
			return nil
		}
		f := searchindex.AnyField
		if e.Field == "title" {
			f = searchindex.TitleOnly
		}
		return tText{e: x, field: f}
	}
	return nil
}

func (c *textCompiler) textExpr(t Term, last bool) searchindex.Expr {
	words := searchindex.FoldWords(t.Value)
	if !slices.ContainsFunc(words, func(w string) bool { return !searchindex.IsStopword(w) }) && !(t.Prefix || last) {
		return nil // only stopwords: PostgreSQL ignores them, so both engines do
	}
	switch {
	case len(words) == 0:
		return nil
	case len(words) > 1:
		return searchindex.Phrase(words)
	case t.Phrase:
		return searchindex.Word{Text: words[0]}
	}
	w := words[0]
	prefix := t.Prefix || last
	if !prefix && searchindex.IsStopword(w) {
		return nil
	}
	word := searchindex.Word{Text: w, Prefix: prefix}
	alts := c.corrections[w]
	if len(alts) == 0 {
		return word
	}
	any := searchindex.Any{word}
	for _, a := range alts {
		any = append(any, searchindex.Word{Text: a, Prefix: prefix})
	}
	return any
}

// validate translates field terms once to report bad values (a date, an amount) now.
func (c *textCompiler) validate(n tNode) error {
	probe := entsql.Select().From(entsql.Table("probe"))
	switch n := n.(type) {
	case tAnd:
		for _, x := range n {
			if err := c.validate(x); err != nil {
				return err
			}
		}
	case tOr:
		for _, x := range n {
			if err := c.validate(x); err != nil {
				return err
			}
		}
	case tNot:
		return c.validate(n.x)
	case tField:
		_, err := productTerm(c.dialect, c.currency, probe, n.t)
		return err
	}
	return nil
}

func (c *textCompiler) hasFields(n tNode) bool {
	switch n := n.(type) {
	case tAnd:
		for _, x := range n {
			if c.hasFields(x) {
				return true
			}
		}
	case tOr:
		for _, x := range n {
			if c.hasFields(x) {
				return true
			}
		}
	case tNot:
		return c.hasFields(n.x)
	case tField:
		return true
	}
	return false
}

// where returns the conditions that select the documents of kind the query matches, and
// whether they join the ranked matches (as rankAlias) for relevance. The positive
// full-text terms of a top-level AND drive the statement through the full-text index (an
// inner join); other shapes join the matches of any positive term to rank them.
//
// Without rank (counting, facets) the matches are a plain IN condition.
func (c *textCompiler) where(kind searchindex.Kind, root tNode, rank bool) ([]func(*entsql.Selector), bool) {
	if root == nil {
		return nil, false
	}
	parts, ok := root.(tAnd)
	if !ok {
		parts = tAnd{root}
	}
	var driving searchindex.All
	var rest tAnd
	for _, p := range parts {
		if t, ok := p.(tText); ok && t.field == searchindex.AnyField {
			driving = append(driving, t.e)
			continue
		}
		rest = append(rest, p)
	}
	var out []func(*entsql.Selector)
	ranked := false
	switch {
	case len(driving) > 0:
		var e searchindex.Expr = driving
		if len(driving) == 1 {
			e = driving[0]
		}
		if !rank {
			out = append(out, func(s *entsql.Selector) { s.Where(c.engine.Matches(kind, s.C("id"), e, searchindex.AnyField)) })
			break
		}
		out = append(out, func(s *entsql.Selector) { c.engine.JoinRanked(s, kind, rankAlias, e, false) })
		ranked = true
	case !rank:
	default:
		if pos := c.positives(root, false, nil); len(pos) > 0 {
			var e searchindex.Expr = pos
			if len(pos) == 1 {
				e = pos[0]
			}
			out = append(out, func(s *entsql.Selector) { c.engine.JoinRanked(s, kind, rankAlias, e, true) })
			ranked = true
		}
	}
	if len(rest) > 0 {
		var n tNode = rest
		if len(rest) == 1 {
			n = rest[0]
		}
		out = append(out, func(s *entsql.Selector) { s.Where(c.pred(kind, s, n)) })
	}
	return out, ranked
}

// positives collects the full-text expressions not under a negation.
func (c *textCompiler) positives(n tNode, neg bool, acc searchindex.Any) searchindex.Any {
	switch n := n.(type) {
	case tAnd:
		for _, x := range n {
			acc = c.positives(x, neg, acc)
		}
	case tOr:
		for _, x := range n {
			acc = c.positives(x, neg, acc)
		}
	case tNot:
		acc = c.positives(n.x, !neg, acc)
	case tText:
		if !neg {
			acc = append(acc, n.e)
		}
	}
	return acc
}

func (c *textCompiler) pred(kind searchindex.Kind, s *entsql.Selector, n tNode) *entsql.Predicate {
	switch n := n.(type) {
	case tAnd:
		ps := make([]*entsql.Predicate, len(n))
		for i, x := range n {
			ps[i] = c.pred(kind, s, x)
		}
		return entsql.And(ps...)
	case tOr:
		ps := make([]*entsql.Predicate, len(n))
		for i, x := range n {
			ps[i] = c.pred(kind, s, x)
		}
		return entsql.Or(ps...)
	case tNot:
		return entsql.Not(c.pred(kind, s, n.x))
	case tText:
		return c.engine.Matches(kind, s.C("id"), n.e, n.field)
	case tField:
		p, _ := productTerm(c.dialect, c.currency, s, n.t) // validated
		return p
	}
	return entsql.P(func(b *entsql.Builder) { b.WriteString("1 = 1") })
}
