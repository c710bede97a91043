package catalog

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent/marketprice"
	"storefront/ent/productvariant"
	"storefront/internal/market"
	"storefront/internal/money"
	"storefront/internal/paging"
)

// ProductFilter is one condition of Collection.products(filters:) (ProductFilter in the
// API); exactly one field is set.
type ProductFilter struct {
	Available   *bool
	PriceMin    *float64
	PriceMax    *float64
	HasPrice    bool
	ProductType *string
	Vendor      *string
	Tag         *string
	OptionName  string
	OptionValue string
	HasOption   bool
	// OptionAlso are more option name/value pairs the variantOption filter selects: the
	// shop language's names of an option and value the filter named in a translation (see
	// ShopOptionFilters).
	OptionAlso [][2]string
}

// MaxFilters bounds the filters of one product list (Shopify's storefront filtering
// offers a few dozen values at most; each filter costs a condition in every statement of
// the list and its facets).
const MaxFilters = 25

// FilterPredicate turns ProductFilters into one predicate over products (alias "t"):
// filters of different kinds must all hold; several filters of the same kind (two tags,
// two values of one option) match either, as in Shopify's storefront filtering. Price
// bounds are in the currency of pr's market and match the prices that market shows (see
// priceCond). It also returns a canonical string of the filters, for batching equal
// requests.
func FilterPredicate(dialectName string, pr market.Pricer, filters []ProductFilter) (func(*entsql.Selector), string, error) {
	gs, err := filterGroups(dialectName, pr, filters)
	if err != nil || len(gs) == 0 {
		return nil, "", err
	}
	return gs.predicate(dialectName), gs.canonical(), nil
}

// filterGroup is the filters of one kind ("price", "tag", "option:size"…), any of which
// may match.
type filterGroup struct {
	name  string
	preds []func(*entsql.Selector) *entsql.Predicate
	canon []string
	// options are the name/value pairs of a variant option group ("option:size").
	options [][2]string
	// variantConds are the conditions on one variant of a price or option group, and
	// tags the values of the tag group: a group tests them in one subquery.
	variantConds []func(b *entsql.Builder)
	tags         []string
}

type groupList []*filterGroup

// filterGroups validates filters and groups them by kind, groups sorted by name.
func filterGroups(dialectName string, pr market.Pricer, filters []ProductFilter) (groupList, error) {
	currency := pr.Currency
	if len(filters) > MaxFilters {
		return nil, &paging.InputError{Argument: "filters", Message: fmt.Sprintf("at most %d filters can be applied at once", MaxFilters)}
	}
	byName := map[string]*filterGroup{}
	var gs groupList
	add := func(group string, f func(*entsql.Selector) *entsql.Predicate, c string) {
		g := byName[group]
		if g == nil {
			g = &filterGroup{name: group}
			byName[group] = g
			gs = append(gs, g)
		}
		g.preds = append(g.preds, f)
		g.canon = append(g.canon, c)
	}
	for i, f := range filters {
		set := 0
		switch {
		case f.Available != nil:
			set++
			avail := *f.Available
			add("available", func(s *entsql.Selector) *entsql.Predicate {
				p := variantExists(dialectName, s, func(b *entsql.Builder) {
					b.WriteString(" AND v." + productvariant.FieldAvailable + " > 0")
				})
				if avail {
					return p
				}
				return entsql.Not(p)
			}, fmt.Sprint(avail))
		}
		if f.HasPrice {
			set++
			lo, hi := int64(0), int64(-1)
			var err error
			if f.PriceMin != nil {
				if lo, err = money.FromFloat(*f.PriceMin, currency); err != nil || lo < 0 {
					return nil, &paging.InputError{Argument: fmt.Sprintf("filters[%d].price.min", i), Message: "price.min must be a non-negative amount"}
				}
			}
			if f.PriceMax != nil {
				if hi, err = money.FromFloat(*f.PriceMax, currency); err != nil || hi < 0 {
					return nil, &paging.InputError{Argument: fmt.Sprintf("filters[%d].price.max", i), Message: "price.max must be a non-negative amount"}
				}
			}
			cond := priceCond(pr, lo, hi)
			add("price", func(s *entsql.Selector) *entsql.Predicate { return variantExists(dialectName, s, cond) }, fmt.Sprint(pr.MarketID, ":", lo, "-", hi))
			byName["price"].variantConds = append(byName["price"].variantConds, cond)
		}
		if f.ProductType != nil {
			set++
			v := *f.ProductType
			add("productType", func(s *entsql.Selector) *entsql.Predicate { return entsql.EqualFold(s.C("product_type"), v) }, v)
		}
		if f.Vendor != nil {
			set++
			v := *f.Vendor
			add("vendor", func(s *entsql.Selector) *entsql.Predicate { return entsql.EqualFold(s.C("vendor"), v) }, v)
		}
		if f.Tag != nil {
			set++
			v := *f.Tag
			add("tag", func(s *entsql.Selector) *entsql.Predicate { return HasTag(dialectName, s, v) }, v)
			byName["tag"].tags = append(byName["tag"].tags, v)
		}
		if f.HasOption {
			set++
			name, value := f.OptionName, f.OptionValue
			pairs := append([][2]string{{name, value}}, f.OptionAlso...)
			cond := func(b *entsql.Builder) { optionMatch(dialectName, b, name, value) }
			canon := value
			if len(pairs) > 1 {
				cond = func(b *entsql.Builder) {
					b.WriteString(" AND (1 = 0")
					for _, p := range pairs {
						b.WriteString(" OR (1 = 1")
						optionMatch(dialectName, b, p[0], p[1])
						b.WriteString(")")
					}
					b.WriteString(")")
				}
				canon = inputJSON(pairs)
			}
			add(optionGroup(name), func(s *entsql.Selector) *entsql.Predicate { return variantExists(dialectName, s, cond) }, canon)
			g := byName[optionGroup(name)]
			g.options = append(g.options, pairs...)
			g.variantConds = append(g.variantConds, cond)
		}
		if set != 1 {
			return nil, &paging.InputError{Argument: fmt.Sprintf("filters[%d]", i), Message: "each filter must set exactly one of available, price, productType, productVendor, tag, variantOption"}
		}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].name < gs[j].name })
	return gs, nil
}

// priceCond is the condition on one variant (alias "v") of a price filter from lo to hi
// (hi < 0: no upper bound), amounts of pr's market currency. A variant matches when the
// price the market shows for it is within the bounds: its fixed price in the market when it
// has one, else its shop price converted and rounded up by the market's rule, which is
// within them exactly when the shop price is within ShopBounds — so the test is on the
// stored shop price, with no conversion in SQL.
func priceCond(pr market.Pricer, lo, hi int64) func(b *entsql.Builder) {
	shopLo, shopHi, empty := pr.ShopBounds(lo, hi)
	shopRange := func(b *entsql.Builder) {
		if empty {
			b.WriteString("1 = 0")
			return
		}
		b.WriteString("v." + productvariant.FieldPrice + " >= ").Arg(shopLo)
		if shopHi >= 0 {
			b.WriteString(" AND v." + productvariant.FieldPrice + " <= ").Arg(shopHi)
		}
	}
	if pr.MarketID == 0 {
		return func(b *entsql.Builder) {
			b.WriteString(" AND ")
			shopRange(b)
		}
	}
	fixed := fmt.Sprintf("SELECT 1 FROM %s mp WHERE mp.%s = %d AND mp.%s = v.id", marketprice.Table, marketprice.FieldMarketID, pr.MarketID, marketprice.FieldVariantID)
	return func(b *entsql.Builder) {
		b.WriteString(" AND ((")
		shopRange(b)
		b.WriteString(" AND NOT EXISTS (" + fixed + ")) OR EXISTS (" + fixed + " AND mp." + marketprice.FieldPrice + " >= ").Arg(lo)
		if hi >= 0 {
			b.WriteString(" AND mp." + marketprice.FieldPrice + " <= ").Arg(hi)
		}
		b.WriteString("))")
	}
}

func optionGroup(name string) string { return "option:" + strings.ToLower(name) }

// predicate is "every group holds" over a selector's products. Variant option groups,
// when there are several, are tested by one subquery over the product's variants (a
// subquery per group made PostgreSQL plan a join of every group's variants).
func (gs groupList) predicate(dialectName string) func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		ands := make([]*entsql.Predicate, 0, len(gs))
		var options groupList
		for _, g := range gs {
			if len(g.options) > 0 {
				options = append(options, g)
				continue
			}
			ands = append(ands, g.match(dialectName, s))
		}
		switch len(options) {
		case 0:
		case 1:
			ands = append(ands, options[0].match(dialectName, s))
		default:
			ands = append(ands, optionGroupsMatch(dialectName, s, options))
		}
		if len(ands) > 0 {
			s.Where(entsql.And(ands...))
		}
	}
}

// match is "some filter of the group holds" over a selector's products: one subquery for
// the group, not one per filter.
func (g *filterGroup) match(dialectName string, s *entsql.Selector) *entsql.Predicate {
	switch {
	case len(g.preds) == 1:
		return g.preds[0](s)
	case len(g.options) == len(g.preds) && dialectName != dialect.Postgres:
		// One pass over the variants' options (json_each), not one per value.
		id := s.C("id")
		return entsql.P(func(b *entsql.Builder) {
			b.WriteString("EXISTS (SELECT 1 FROM product_variants v, json_each(v.selected_options) o WHERE v.product_id = " + id + " AND (")
			for i, o := range g.options {
				if i > 0 {
					b.WriteString(" OR ")
				}
				b.WriteString("(json_extract(o.value, '$.name') = ").Arg(o[0]).WriteString(" AND json_extract(o.value, '$.value') = ").Arg(o[1]).WriteString(")")
			}
			b.WriteString("))")
		})
	case len(g.variantConds) == len(g.preds):
		return variantExists(dialectName, s, func(b *entsql.Builder) {
			b.WriteString(" AND (")
			for i, cond := range g.variantConds {
				if i > 0 {
					b.WriteString(" OR ")
				}
				b.WriteString("(1 = 1")
				cond(b)
				b.WriteString(")")
			}
			b.WriteString(")")
		})
	case len(g.tags) == len(g.preds):
		return hasAnyTag(dialectName, s, g.tags)
	}
	ors := make([]*entsql.Predicate, 0, len(g.preds))
	for _, f := range g.preds {
		ors = append(ors, f(s))
	}
	return entsql.Or(ors...)
}

// optionGroupsMatch is "for every option group, some variant of the product (selector s)
// has one of the group's name/value pairs": the variants' options matching any pair are
// numbered by group, and every group number must appear.
func optionGroupsMatch(dialectName string, s *entsql.Selector, gs groupList) *entsql.Predicate {
	id := s.C("id")
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString("(SELECT COUNT(DISTINCT CASE")
		for i, g := range gs {
			for _, o := range g.options {
				if dialectName == dialect.Postgres {
					b.WriteString(" WHEN o.value->>'name' = ").Arg(o[0]).WriteString("::text AND o.value->>'value' = ").Arg(o[1]).WriteString("::text")
				} else {
					b.WriteString(" WHEN json_extract(o.value, '$.name') = ").Arg(o[0]).WriteString(" AND json_extract(o.value, '$.value') = ").Arg(o[1])
				}
				b.WriteString(fmt.Sprintf(" THEN %d", i))
			}
		}
		b.WriteString(" END) FROM product_variants v, ")
		if dialectName == dialect.Postgres {
			b.WriteString("jsonb_array_elements(CASE WHEN jsonb_typeof(v.selected_options) = 'array' THEN v.selected_options ELSE '[]'::jsonb END) AS o(value)")
		} else {
			b.WriteString("json_each(v.selected_options) o")
		}
		b.WriteString(" WHERE v.product_id = " + id + fmt.Sprintf(") = %d", len(gs)))
	})
}

func (gs groupList) canonical() string {
	var canon []string
	for _, g := range gs {
		for _, c := range g.canon {
			canon = append(canon, g.name+"="+c)
		}
	}
	sort.Strings(canon)
	return strings.Join(canon, "&")
}

// variantExists is "some variant of the product (selector s), aliased v, meets cond", as a
// correlated EXISTS: filters narrow an already small set (a search's matches, a
// collection's products), so probing each candidate's variants through the product_id
// index beats reading every variant of the shop.
func variantExists(_ string, s *entsql.Selector, cond func(b *entsql.Builder)) *entsql.Predicate {
	id := s.C("id")
	return entsql.P(func(b *entsql.Builder) {
		b.WriteString("EXISTS (SELECT 1 FROM product_variants v WHERE v.product_id = " + id)
		cond(b)
		b.WriteByte(')')
	})
}

// optionMatch appends "AND the variant v has option name = value".
func optionMatch(dialectName string, b *entsql.Builder, name, value string) {
	if dialectName == dialect.Postgres {
		pair, _ := json.Marshal([]map[string]string{{"name": name, "value": value}})
		b.WriteString(" AND v.selected_options @> ").Arg(string(pair)).WriteString("::jsonb")
		return
	}
	b.WriteString(" AND EXISTS (SELECT 1 FROM json_each(v.selected_options) o WHERE json_extract(o.value, '$.name') = ").Arg(name).
		WriteString(" AND json_extract(o.value, '$.value') = ").Arg(value).WriteByte(')')
}

// hasAnyTag is "the product (selector s) has one of the tags vs", case-insensitively.
func hasAnyTag(dialectName string, s *entsql.Selector, vs []string) *entsql.Predicate {
	tags := s.C("tags")
	return entsql.P(func(b *entsql.Builder) {
		if dialectName == dialect.Postgres {
			b.WriteString("EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(" + tags + ") = 'array' THEN " + tags + " ELSE '[]'::jsonb END)").
				WriteString(" AS tg(v) WHERE LOWER(tg.v) IN (")
		} else {
			b.WriteString("EXISTS (SELECT 1 FROM json_each(").WriteString(tags).WriteString(") tg WHERE LOWER(tg.value) IN (")
		}
		for i, v := range vs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("LOWER(").Arg(v)
			if dialectName == dialect.Postgres {
				b.WriteString("::text")
			}
			b.WriteString(")")
		}
		b.WriteString("))")
	})
}

// HasTag is "the product (selector s) has tag v", case-insensitively.
func HasTag(dialectName string, s *entsql.Selector, v string) *entsql.Predicate {
	tags := s.C("tags")
	return entsql.P(func(b *entsql.Builder) {
		if dialectName == dialect.Postgres {
			// Tags written as JSON null (no tags) are not an array: treat them as [].
			b.WriteString("EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(" + tags + ") = 'array' THEN " + tags + " ELSE '[]'::jsonb END)").
				WriteString(" AS tg(v) WHERE LOWER(tg.v) = LOWER(").Arg(v).WriteString("::text))")
			return
		}
		b.WriteString("EXISTS (SELECT 1 FROM json_each(").WriteString(tags).
			WriteString(") tg WHERE LOWER(tg.value) = LOWER(").Arg(v).WriteString("))")
	})
}
