package catalog

import (
	"context"
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	entsql "entgo.io/ent/dialect/sql"

	"entgo.io/ent/dialect"
	"storefront/ent"
	"storefront/ent/article"
	"storefront/ent/collection"
	"storefront/ent/page"
	"storefront/ent/product"
	"storefront/internal/searchindex"
)

// PredictiveRequest is the predictiveSearch query's arguments.
type PredictiveRequest struct {
	Query string
	// Types: PRODUCT, COLLECTION, PAGE, ARTICLE, QUERY. Empty means all.
	Types []string
	// LimitAll applies Limit to all types together (in the order products, collections,
	// pages, articles, queries) instead of to each.
	LimitAll bool
	// Limit applies per type: 1 to MaxPredictive, default MaxPredictive.
	Limit *int
}

// MaxPredictive is the most results predictive search returns per type.
const MaxPredictive = 10

// Suggestion is a query suggestion: the text and the same with the suggested completion
// marked.
type Suggestion struct {
	Text       string
	StyledText string
}

// PredictiveResult holds predictive search's suggestions.
type PredictiveResult struct {
	Products    []*ent.Product
	Collections []*ent.Collection
	Pages       []*ent.Page
	Articles    []*ent.Article
	Queries     []Suggestion
}

// suggestionPool is how many matching products query suggestions are drawn from.
const suggestionPool = 50

// Predictive suggests products, collections and queries as a shopper types: every typed
// word matches as a word prefix, words of MinTypoLength letters or more also match the
// catalog words one typo away, and query suggestions complete the last word from product
// titles and from earlier searches that found something.
func (s *Service) Predictive(ctx context.Context, req PredictiveRequest) (*PredictiveResult, error) {
	limit := MaxPredictive
	if req.Limit != nil {
		if *req.Limit < 1 || *req.Limit > MaxPredictive {
			return nil, &InputError{Argument: "limit", Message: fmt.Sprintf("limit must be between 1 and %d", MaxPredictive)}
		}
		limit = *req.Limit
	}
	if utf8.RuneCountInString(req.Query) > MaxQueryLength {
		return nil, &InputError{Argument: "query", Message: fmt.Sprintf("query is longer than %d characters", MaxQueryLength)}
	}
	out := &PredictiveResult{Products: []*ent.Product{}, Collections: []*ent.Collection{}, Pages: []*ent.Page{}, Articles: []*ent.Article{}, Queries: []Suggestion{}}
	words := searchindex.FoldWords(req.Query)
	if len(words) > maxQueryTerms {
		words = words[:maxQueryTerms]
	}
	if len(words) == 0 {
		return out, nil
	}
	corrections, err := searchindex.Corrections(ctx, s.db, s.db.Dialect, words)
	if err != nil {
		return nil, err
	}
	var all searchindex.All
	for i, w := range words {
		last := i == len(words)-1
		if !last && searchindex.IsStopword(w) {
			continue
		}
		alts := searchindex.Any{searchindex.Word{Text: w, Prefix: true}}
		for _, c := range corrections[w] {
			alts = append(alts, searchindex.Word{Text: c, Prefix: last})
		}
		if len(alts) == 1 {
			all = append(all, alts[0])
		} else {
			all = append(all, alts)
		}
	}
	if len(all) == 0 {
		return out, nil
	}
	var expr searchindex.Expr = all
	if len(all) == 1 {
		expr = all[0]
	}
	wants := func(t string) bool { return len(req.Types) == 0 || slices.Contains(req.Types, t) }
	engine := s.db.Search.Engine
	ranked := func(kind searchindex.Kind) (func(*entsql.Selector), func(*entsql.Selector)) {
		join := func(sel *entsql.Selector) { engine.JoinRanked(sel, kind, rankAlias, expr, false) }
		order := func(sel *entsql.Selector) {
			sel.OrderExpr(entsql.ExprFunc(func(b *entsql.Builder) { searchindex.Rank(rankAlias)(b); b.WriteString(" DESC") }))
		}
		return join, order
	}
	if wants("PRODUCT") || wants("QUERY") {
		join, order := ranked(searchindex.Products)
		n := limit
		if wants("QUERY") {
			n = max(limit, suggestionPool)
		}
		ps, err := s.db.Product.Query().
			Where(s.visibleProduct(), join).
			Order(order, ent.Desc(product.FieldUnitsSold), ent.Asc(product.FieldID)).
			Limit(n).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("predictive search products: %w", err)
		}
		if wants("PRODUCT") {
			out.Products = ps[:min(limit, len(ps))]
		}
		if wants("QUERY") {
			if out.Queries, err = s.suggestions(ctx, words, corrections, ps, limit); err != nil {
				return nil, err
			}
		}
	}
	if wants("COLLECTION") {
		join, order := ranked(searchindex.Collections)
		cs, err := s.db.Collection.Query().
			Where(s.visibleCollection(), join).
			Order(order, ent.Asc(collection.FieldID)).
			Limit(limit).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("predictive search collections: %w", err)
		}
		out.Collections = cs
	}
	if wants("PAGE") {
		join, order := ranked(searchindex.Pages)
		ps, err := s.db.Page.Query().
			Where(s.visiblePage(), join).
			Order(order, ent.Asc(page.FieldID)).
			Limit(limit).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("predictive search pages: %w", err)
		}
		out.Pages = ps
	}
	if wants("ARTICLE") {
		join, order := ranked(searchindex.Articles)
		as, err := s.db.Article.Query().
			Where(s.visibleArticle(), join).
			Order(order, ent.Desc(article.FieldPublishedAt), ent.Desc(article.FieldID)).
			Limit(limit).All(ctx)
		if err != nil {
			return nil, fmt.Errorf("predictive search articles: %w", err)
		}
		out.Articles = as
	}
	if req.LimitAll {
		left := limit
		take := func(n int) int { n = min(n, left); left -= n; return n }
		out.Products = out.Products[:take(len(out.Products))]
		out.Collections = out.Collections[:take(len(out.Collections))]
		out.Pages = out.Pages[:take(len(out.Pages))]
		out.Articles = out.Articles[:take(len(out.Articles))]
		out.Queries = out.Queries[:take(len(out.Queries))]
	}
	return out, nil
}

// suggestions completes the typed words: earlier searches that found something and begin
// with the typed text come first (most searched first), then completions of the last word
// from the titles of matching products (most frequent first).
func (s *Service) suggestions(ctx context.Context, words []string, corrections map[string][]string, ps []*ent.Product, limit int) ([]Suggestion, error) {
	typed := strings.Join(words, " ")
	out := []Suggestion{}
	seen := map[string]bool{typed: true}
	add := func(text string) {
		if !seen[text] && len(out) < limit {
			seen[text] = true
			out = append(out, Suggestion{Text: text, StyledText: styleSuggestion(typed, text)})
		}
	}
	var past []struct {
		Term  string
		Count int
	}
	q := `SELECT term, SUM(searches - no_results) FROM analytics_search_daily WHERE term >= ? AND term < ?
		GROUP BY term HAVING SUM(searches - no_results) > 0`
	if s.db.Dialect == dialect.Postgres {
		q = strings.Replace(strings.Replace(q, "?", "$1", 1), "?", "$2", 1)
	}
	rows, err := s.db.QueryContext(ctx, q, typed, typed+"\U0010FFFF")
	if err != nil {
		return nil, fmt.Errorf("read past searches: %w", err)
	}
	for rows.Next() {
		var p struct {
			Term  string
			Count int
		}
		if err := rows.Scan(&p.Term, &p.Count); err != nil {
			rows.Close()
			return nil, fmt.Errorf("read past searches: %w", err)
		}
		past = append(past, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read past searches: %w", err)
	}
	sort.Slice(past, func(i, j int) bool {
		if past[i].Count != past[j].Count {
			return past[i].Count > past[j].Count
		}
		return past[i].Term < past[j].Term
	})
	// Only searches made of words the catalog still uses: what found something once may
	// name a product deleted since.
	var pastWords []string
	for _, p := range past[:min(len(past), 4*limit)] {
		pastWords = append(pastWords, searchindex.Words(p.Term)...)
	}
	known, err := searchindex.KnownWords(ctx, s.db, s.db.Dialect, pastWords)
	if err != nil {
		return nil, err
	}
	for _, p := range past[:min(len(past), 4*limit)] {
		ws := searchindex.Words(p.Term)
		if !slices.ContainsFunc(ws, func(w string) bool { return searchindex.Countable(w) && !known[w] }) {
			add(p.Term)
		}
	}
	// Completions of the last word from the titles of matching products, the misspelt
	// words before it corrected as the title spells them.
	lead, last := words[:len(words)-1], words[len(words)-1]
	stems := append([]string{last}, corrections[last]...)
	freq := map[string]int{}
	for _, p := range ps {
		title := searchindex.FoldWords(p.Title)
		fixed := make([]string, len(lead))
		for i, w := range lead {
			fixed[i] = w
			for _, c := range corrections[w] {
				if slices.Contains(title, c) {
					fixed[i] = c
				}
			}
		}
		done := map[string]bool{}
		for _, w := range title {
			for _, st := range stems {
				if strings.HasPrefix(w, st) && !done[w] {
					done[w] = true
					freq[strings.Join(append(fixed, w), " ")]++
				}
			}
		}
	}
	texts := make([]string, 0, len(freq))
	for t := range freq {
		texts = append(texts, t)
	}
	sort.Slice(texts, func(i, j int) bool {
		if freq[texts[i]] != freq[texts[j]] {
			return freq[texts[i]] > freq[texts[j]]
		}
		if len(texts[i]) != len(texts[j]) {
			return len(texts[i]) < len(texts[j])
		}
		return texts[i] < texts[j]
	})
	for _, t := range texts {
		add(t)
	}
	// Then catalog words (tags, types, vendors, options, collection titles) completing it.
	if len(out) < limit {
		more, err := searchindex.Completions(ctx, s.db, s.db.Dialect, last, limit)
		if err != nil {
			return nil, err
		}
		fixed := slices.Clone(lead)
		for i, w := range fixed {
			if cs := corrections[w]; len(cs) > 0 {
				fixed[i] = cs[0]
			}
		}
		for _, w := range more {
			add(strings.Join(append(fixed, w), " "))
		}
	}
	return out, nil
}

// styleSuggestion marks what the suggestion adds to the typed text, as Shopify's
// styledText does: "snow" + "snowboard" → "snow<mark>board</mark>".
func styleSuggestion(typed, text string) string {
	if strings.HasPrefix(text, typed) {
		rest := text[len(typed):]
		if rest == "" {
			return html.EscapeString(text)
		}
		return html.EscapeString(typed) + "<mark>" + html.EscapeString(rest) + "</mark>"
	}
	return "<mark>" + html.EscapeString(text) + "</mark>"
}
