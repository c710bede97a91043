package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent/marketprice"
	"storefront/ent/product"
	"storefront/ent/productvariant"
	enttranslation "storefront/ent/translation"
	"storefront/internal/gid"
	"storefront/internal/market"
	"storefront/internal/money"
)

// Facet is one filter a storefront can offer over a product list (Filter in the API), with
// the values present in the list.
type Facet struct {
	ID     string
	Label  string
	Type   string // BOOLEAN, LIST or PRICE_RANGE
	Values []FacetValue
}

// FacetValue is one value of a facet: how many products of the list have it, given the
// other active filters, and the ProductFilter (as JSON) that selects it.
type FacetValue struct {
	ID    string
	Label string
	Count int
	Input string
}

// FacetFunc computes a list's facets when a client asks for them.
type FacetFunc func(ctx context.Context) ([]Facet, error)

// maxFacetValues bounds the values of one list facet (tags can be many).
const maxFacetValues = 100

// Facets computes the facets of the visible products that base selects, under the active
// filters: each value's count applies every active filter except those of its own kind
// (disjunctive faceting), so a shopper sees how many products each alternative would show.
// All facets come from one statement. With lang (a LanguageCode other than the shop's),
// option facets are labelled with the options' and values' translations into it, read in
// the same statement; their inputs keep the shop language's names, which filters take in
// any language.
func (s *Service) Facets(ctx context.Context, base []func(*entsql.Selector), filters []ProductFilter, pr market.Pricer, lang string) ([]Facet, error) {
	d := s.db.Dialect
	gs, err := filterGroups(d, pr, filters)
	if err != nil {
		return nil, err
	}
	// The list's products are found once, and whether each meets each active filter group
	// is worked out once (common table expressions, materialized: facet_match has a
	// column per group); each part then reads them. Every part reads the one facet_match,
	// so the statement grows linearly with the groups (SQLite refuses subqueries nested
	// too deep).
	bt := entsql.Dialect(d).Table(product.Table).As("t")
	baseSel := entsql.Dialect(d).Select().AppendSelectExprAs(entsql.Raw("t.id"), "id").From(bt)
	s.visibleSQL()(baseSel)
	for _, f := range base {
		f(baseSel)
	}
	mt := entsql.Dialect(d).Table(product.Table).As("t")
	match := entsql.Dialect(d).Select().AppendSelectExprAs(entsql.Raw("t.id"), "id").From(mt)
	match.Where(entsql.P(func(b *entsql.Builder) { b.WriteString("t.id IN (SELECT id FROM facet_base)") }))
	groupColumn := map[string]string{}
	for i, g := range gs {
		col := fmt.Sprintf("g%d", i)
		groupColumn[g.name] = col
		match.AppendSelectExprAs(g.match(d, match), col)
	}
	ctes := []struct {
		name string
		sel  *entsql.Selector
	}{{"facet_base", baseSel}, {"facet_match", match}}
	products := func(except string) *entsql.Selector {
		t := entsql.Dialect(d).Table(product.Table).As("t")
		sel := entsql.Dialect(d).Select().From(t)
		var conds []string
		for _, g := range gs {
			if g.name != except {
				conds = append(conds, "m."+groupColumn[g.name])
			}
		}
		where := ""
		if len(conds) > 0 {
			where = " WHERE " + strings.Join(conds, " AND ")
		}
		sel.Where(entsql.P(func(b *entsql.Builder) { b.WriteString("t.id IN (SELECT m.id FROM facet_match m" + where + ")") }))
		return sel
	}
	available := "CASE WHEN EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = t.id AND v.available > 0) THEN 'true' ELSE 'false' END"
	parts := []*entsql.Selector{
		products("available").Select().
			AppendSelectExprAs(entsql.Raw("'available'"), "f").AppendSelectExprAs(entsql.Raw("''"), "n").
			AppendSelectExprAs(entsql.Raw(available), "v").AppendSelectExprAs(entsql.Raw("COUNT(*)"), "c").
			AppendSelectExprAs(entsql.Raw("0"), "p").GroupBy("v"),
		products("price").Select().
			AppendSelectExprAs(entsql.Raw("'price'"), "f").AppendSelectExprAs(entsql.Raw("''"), "n").
			AppendSelectExprAs(entsql.Raw("''"), "v").AppendSelectExprAs(entsql.Raw("COUNT(*)"), "c").
			AppendSelectExprAs(entsql.Raw("COALESCE(MAX(t.max_price), 0)"), "p"),
	}
	if pr.MarketID != 0 {
		// In a market, the highest price shown is the higher of the highest shop price of
		// variants without a fixed price there (converted in buildFacets) and the highest
		// fixed price.
		unfixed := fmt.Sprintf("COALESCE(MAX((SELECT MAX(pv.%s) FROM %s pv WHERE pv.%s = t.id AND NOT EXISTS (SELECT 1 FROM %s mp WHERE mp.%s = %d AND mp.%s = pv.id))), 0)",
			productvariant.FieldPrice, productvariant.Table, productvariant.FieldProductID, marketprice.Table, marketprice.FieldMarketID, pr.MarketID, marketprice.FieldVariantID)
		parts[1] = products("price").Select().
			AppendSelectExprAs(entsql.Raw("'price'"), "f").AppendSelectExprAs(entsql.Raw("''"), "n").
			AppendSelectExprAs(entsql.Raw("''"), "v").AppendSelectExprAs(entsql.Raw("COUNT(*)"), "c").
			AppendSelectExprAs(entsql.Raw(unfixed), "p")
		parts = append(parts, products("price").Select().
			AppendSelectExprAs(entsql.Raw("'price_fixed'"), "f").AppendSelectExprAs(entsql.Raw("''"), "n").
			AppendSelectExprAs(entsql.Raw("''"), "v").AppendSelectExprAs(entsql.Raw("COUNT(*)"), "c").
			AppendSelectExprAs(entsql.Raw(fmt.Sprintf("COALESCE(MAX((SELECT MAX(mp.%s) FROM %s mp WHERE mp.%s = %d AND mp.%s = t.id)), 0)",
				marketprice.FieldPrice, marketprice.Table, marketprice.FieldMarketID, pr.MarketID, marketprice.FieldProductID)), "p"))
	}
	for _, col := range []struct{ group, column string }{{"productType", "product_type"}, {"vendor", "vendor"}} {
		sel := products(col.group)
		sel.Select().
			AppendSelectExprAs(entsql.Raw("'"+col.group+"'"), "f").AppendSelectExprAs(entsql.Raw("''"), "n").
			AppendSelectExprAs(entsql.Raw(sel.C(col.column)), "v").AppendSelectExprAs(entsql.Raw("COUNT(*)"), "c").
			AppendSelectExprAs(entsql.Raw("0"), "p").
			Where(entsql.NEQ(sel.C(col.column), "")).GroupBy(sel.C(col.column))
		parts = append(parts, sel)
	}
	// Tags: the matching products' tag arrays, unnested outside the joins that select them.
	tagged := products("tag").Select().AppendSelectExprAs(entsql.Raw("t.tags"), "tags")
	tagged.As("x")
	tags := entsql.Dialect(d).Select().From(tagged)
	if d == dialect.Postgres {
		tags.AppendFromExpr(entsql.Raw("LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(x.tags) = 'array' THEN x.tags ELSE '[]'::jsonb END) AS tg(value)"))
	} else {
		// Tags that are JSON null (not an array) have none, as on PostgreSQL.
		tags.AppendFromExpr(entsql.Raw("json_each(CASE WHEN json_type(x.tags) = 'array' THEN x.tags ELSE '[]' END) AS tg"))
	}
	parts = append(parts, tags.
		AppendSelectExprAs(entsql.Raw("'tag'"), "f").AppendSelectExprAs(entsql.Raw("''"), "n").
		AppendSelectExprAs(entsql.Raw("tg.value"), "v").AppendSelectExprAs(entsql.Raw("COUNT(*)"), "c").
		AppendSelectExprAs(entsql.Raw("0"), "p").GroupBy("v"))
	// Options: names without an active filter count under every filter; each filtered
	// option name counts under the others. One part does both: an option row counts when
	// its product meets every group, its own name's group excepted.
	o := entsql.Dialect(d).Table("product_options").As("o")
	ov := entsql.Dialect(d).Table("product_option_values").As("ov")
	m := entsql.Dialect(d).Table("facet_match").As("m")
	options := entsql.Dialect(d).Select().From(o).Join(ov).On(ov.C("option_id"), o.C("id")).
		Join(m).On(m.C("id"), o.C("product_id")).
		AppendSelectExprAs(entsql.Raw("'option'"), "f").AppendSelectExprAs(entsql.Raw(o.C("name")), "n").
		AppendSelectExprAs(entsql.Raw(ov.C("name")), "v").
		AppendSelectExprAs(entsql.Raw("COUNT(DISTINCT "+o.C("product_id")+")"), "c").
		AppendSelectExprAs(entsql.Raw("MIN("+o.C("position")+") * 1000000 + CAST(AVG("+ov.C("position")+") * 1000 AS INTEGER)"), "p").
		GroupBy(o.C("name"), ov.C("name"))
	if lang != "" {
		// Each option and value row finds its translation through the translations'
		// (resource_id, key, locale) index; options of one name translated differently on
		// different products show the first translation.
		tn := entsql.Dialect(d).Table(enttranslation.Table).As("tn")
		tv := entsql.Dialect(d).Table(enttranslation.Table).As("tv")
		on := func(t *entsql.SelectTable, typ, id string) *entsql.Predicate {
			return entsql.P(func(b *entsql.Builder) {
				b.WriteString(t.C(enttranslation.FieldResourceID) + " = '" + strings.TrimSuffix(gid.Format(typ, 0), "0") + "' || " + id).
					WriteString(" AND " + t.C(enttranslation.FieldKey) + " = 'name' AND " + t.C(enttranslation.FieldLocale) + " = ").Arg(lang)
			})
		}
		options.LeftJoin(tn).OnP(on(tn, gid.ProductOption, o.C("id"))).
			LeftJoin(tv).OnP(on(tv, gid.ProductOptionValue, ov.C("id"))).
			AppendSelectExprAs(entsql.Raw("COALESCE(MIN(tn."+enttranslation.FieldValue+"), '')"), "tn").
			AppendSelectExprAs(entsql.Raw("COALESCE(MIN(tv."+enttranslation.FieldValue+"), '')"), "tv")
		for _, p := range parts {
			p.AppendSelectExprAs(entsql.Raw("''"), "tn").AppendSelectExprAs(entsql.Raw("''"), "tv")
		}
	}
	if len(gs) > 0 {
		options.Where(entsql.P(func(b *entsql.Builder) {
			for i, g := range gs {
				if i > 0 {
					b.WriteString(" AND ")
				}
				col := "m." + groupColumn[g.name]
				if name, ok := strings.CutPrefix(g.name, "option:"); ok {
					b.WriteString("(" + col + " OR LOWER(o.name) = ").Arg(name).WriteString(")")
					continue
				}
				b.WriteString(col)
			}
		}))
	}
	parts = append(parts, options)
	q := parts[0]
	for _, p := range parts[1:] {
		q.UnionAll(p)
	}
	var with []string
	var args []any
	for _, c := range ctes {
		c.sel.SetTotal(len(args)) // PostgreSQL placeholders continue from the previous part
		q, a := c.sel.Query()
		with = append(with, c.name+" AS MATERIALIZED ("+q+")")
		args = append(args, a...)
	}
	q.SetTotal(len(args))
	query, unionArgs := q.Query()
	query = "WITH " + strings.Join(with, ", ") + " " + query
	args = append(args, unionArgs...)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("compute facets: %w", err)
	}
	defer rows.Close()
	var rs []rawFacet
	for rows.Next() {
		var r rawFacet
		dest := []any{&r.facet, &r.name, &r.value, &r.count, &r.pos}
		if lang != "" {
			dest = append(dest, &r.nameTr, &r.valueTr)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("read facets: %w", err)
		}
		rs = append(rs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read facets: %w", err)
	}
	return buildFacets(rs, filters, pr), nil
}

type rawFacet struct {
	facet, name, value string
	count, pos         int64
	// nameTr and valueTr are an option's and value's translations, "" when none.
	nameTr, valueTr string
}

func inputJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func slug(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), "-")
}

// buildFacets orders the raw counts into the API's filters: availability, price, options
// (in option order), product type, vendor, tags; active values are listed even when no
// product has them any more.
func buildFacets(rs []rawFacet, active []ProductFilter, pr market.Pricer) []Facet {
	currency := pr.Currency
	var maxFixed int64
	for _, r := range rs {
		if r.facet == "price_fixed" {
			maxFixed = r.pos
		}
	}
	avail := Facet{ID: "filter.v.availability", Label: "Availability", Type: "LIST"}
	counts := map[string]int{}
	var price *Facet
	options := map[string]*Facet{}
	optionPos := map[string]int64{}
	// valuePos is an option value's position by its input; shown lists the option values
	// (option key, NUL, lower-case value) listed.
	valuePos := map[string]int64{}
	shown := map[string]bool{}
	lists := map[string]*Facet{
		"productType": {ID: "filter.p.product_type", Label: "Product type", Type: "LIST"},
		"vendor":      {ID: "filter.p.vendor", Label: "Vendor", Type: "LIST"},
		"tag":         {ID: "filter.p.tag", Label: "Tag", Type: "LIST"},
	}
	listInput := map[string]string{"productType": "productType", "vendor": "productVendor", "tag": "tag"}
	for _, r := range rs {
		switch r.facet {
		case "available":
			counts[r.value] = int(r.count)
		case "price":
			if r.count > 0 {
				// The highest price the market shows: the highest shop price converted, or
				// in a market, that of the variants without a fixed price or the highest
				// fixed price.
				maxPrice, _ := strconv.ParseFloat(money.Format(max(pr.Price(r.pos), maxFixed), currency), 64)
				price = &Facet{ID: "filter.v.price", Label: "Price", Type: "PRICE_RANGE", Values: []FacetValue{{
					ID: "filter.v.price", Label: "Price", Count: int(r.count),
					Input: inputJSON(map[string]any{"price": map[string]any{"min": 0, "max": maxPrice}}),
				}}}
			}
		case "option":
			if r.name == "Title" && r.value == "Default Title" {
				continue // the placeholder option of single-variant products
			}
			key := strings.ToLower(r.name)
			f := options[key]
			if f == nil {
				f = &Facet{ID: "filter.v.option." + slug(r.name), Label: orDefault(r.nameTr, r.name), Type: "LIST"}
				options[key] = f
				optionPos[key] = r.pos / 1000000
			} else if f.Label == r.name && r.nameTr != "" {
				f.Label = r.nameTr
			}
			// Options in their position among the products' options, values in their
			// average position (S, M, L whatever sizes each product has).
			optionPos[key] = min(optionPos[key], r.pos/1000000)
			in := inputJSON(map[string]any{"variantOption": map[string]string{"name": r.name, "value": r.value}})
			valuePos[in] = r.pos % 1000000
			shown[key+"\x00"+strings.ToLower(r.value)] = true
			f.Values = append(f.Values, FacetValue{
				ID: f.ID + "." + slug(r.value), Label: orDefault(r.valueTr, r.value), Count: int(r.count), Input: in,
			})
		default:
			f := lists[r.facet]
			if f == nil {
				continue
			}
			f.Values = append(f.Values, FacetValue{
				ID: f.ID + "." + slug(r.value), Label: r.value, Count: int(r.count),
				Input: inputJSON(map[string]string{listInput[r.facet]: r.value}),
			})
		}
	}
	// Selected values stay visible with a zero count.
	has := func(f *Facet, label string) bool {
		for _, v := range f.Values {
			if strings.EqualFold(v.Label, label) {
				return true
			}
		}
		return false
	}
	for _, a := range active {
		var f *Facet
		var label, kind string
		switch {
		case a.ProductType != nil:
			f, label, kind = lists["productType"], *a.ProductType, "productType"
		case a.Vendor != nil:
			f, label, kind = lists["vendor"], *a.Vendor, "vendor"
		case a.Tag != nil:
			f, label, kind = lists["tag"], *a.Tag, "tag"
		case a.HasOption:
			key := strings.ToLower(a.OptionName)
			if options[key] == nil {
				options[key] = &Facet{ID: "filter.v.option." + slug(a.OptionName), Label: a.OptionName, Type: "LIST"}
				optionPos[key] = 1 << 30
			}
			if f = options[key]; !shown[key+"\x00"+strings.ToLower(a.OptionValue)] && !has(f, a.OptionValue) {
				in := inputJSON(map[string]any{"variantOption": map[string]string{"name": a.OptionName, "value": a.OptionValue}})
				valuePos[in] = 1 << 30
				f.Values = append(f.Values, FacetValue{ID: f.ID + "." + slug(a.OptionValue), Label: a.OptionValue, Input: in})
			}
			continue
		default:
			continue
		}
		if !has(f, label) {
			f.Values = append(f.Values, FacetValue{ID: f.ID + "." + slug(label), Label: label, Input: inputJSON(map[string]string{listInput[kind]: label})})
		}
	}
	var out []Facet
	if counts["true"]+counts["false"] > 0 {
		avail.Values = []FacetValue{
			{ID: "filter.v.availability.1", Label: "In stock", Count: counts["true"], Input: `{"available":true}`},
			{ID: "filter.v.availability.0", Label: "Out of stock", Count: counts["false"], Input: `{"available":false}`},
		}
		out = append(out, avail)
	}
	if price != nil {
		out = append(out, *price)
	}
	keys := make([]string, 0, len(options))
	for k := range options {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if optionPos[keys[i]] != optionPos[keys[j]] {
			return optionPos[keys[i]] < optionPos[keys[j]]
		}
		return keys[i] < keys[j]
	})
	for _, k := range keys {
		f := options[k]
		sort.SliceStable(f.Values, func(i, j int) bool {
			pi, pj := valuePos[f.Values[i].Input], valuePos[f.Values[j].Input]
			if pi != pj {
				return pi < pj
			}
			return f.Values[i].Label < f.Values[j].Label
		})
		out = append(out, capValues(*f))
	}
	for _, k := range []string{"productType", "vendor", "tag"} {
		f := lists[k]
		if len(f.Values) == 0 {
			continue
		}
		sort.Slice(f.Values, func(i, j int) bool { return strings.ToLower(f.Values[i].Label) < strings.ToLower(f.Values[j].Label) })
		out = append(out, capValues(*f))
	}
	return out
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func capValues(f Facet) Facet {
	if len(f.Values) > maxFacetValues {
		f.Values = f.Values[:maxFacetValues]
	}
	return f
}

// CollectionFacets computes the facets of a collection's visible products.
func (s *Service) CollectionFacets(ctx context.Context, collectionID int, filters []ProductFilter, pr market.Pricer, lang string) ([]Facet, error) {
	inCollection := func(sel *entsql.Selector) {
		id := sel.C("id")
		sel.Where(entsql.P(func(b *entsql.Builder) {
			b.WriteString(id + " IN (SELECT cp.product_id FROM collection_products cp WHERE cp.collection_id = ").Arg(collectionID).WriteByte(')')
		}))
	}
	return s.Facets(ctx, []func(*entsql.Selector){inCollection}, filters, pr, lang)
}
