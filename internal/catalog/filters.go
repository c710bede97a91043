package catalog

import (
	"fmt"
	"sort"
	"strings"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"storefront/ent/productvariant"
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
}

// FilterPredicate turns ProductFilters into one predicate over products (alias "t"):
// filters of different kinds must all hold; several filters of the same kind (two tags,
// two values of one option) match either, as in Shopify's storefront filtering.
// It also returns a canonical string of the filters, for batching equal requests.
func FilterPredicate(dialectName, currency string, filters []ProductFilter) (func(*entsql.Selector), string, error) {
	gs, err := filterGroups(dialectName, currency, filters)
	if err != nil || len(gs) == 0 {
		return nil, "", err
	}
	return gs.predicate(""), gs.canonical(), nil
}

// filterGroup is the filters of one kind ("price", "tag", "option:size"…), any of which
// may match.
type filterGroup struct {
	name  string
	preds []func(*entsql.Selector) *entsql.Predicate
	canon []string
}

type groupList []*filterGroup

// filterGroups validates filters and groups them by kind, groups sorted by name.
func filterGroups(dialectName, currency string, filters []ProductFilter) (groupList, error) {
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
			add("price", func(s *entsql.Selector) *entsql.Predicate {
				return variantExists(dialectName, s, func(b *entsql.Builder) {
					b.WriteString(" AND v." + productvariant.FieldPrice + " >= ").Arg(lo)
					if hi >= 0 {
						b.WriteString(" AND v." + productvariant.FieldPrice + " <= ").Arg(hi)
					}
				})
			}, fmt.Sprint(lo, "-", hi))
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
		}
		if f.HasOption {
			set++
			name, value := f.OptionName, f.OptionValue
			add(optionGroup(name), func(s *entsql.Selector) *entsql.Predicate {
				return variantExists(dialectName, s, func(b *entsql.Builder) { optionMatch(dialectName, b, name, value) })
			}, value)
		}
		if set != 1 {
			return nil, &paging.InputError{Argument: fmt.Sprintf("filters[%d]", i), Message: "each filter must set exactly one of available, price, productType, productVendor, tag, variantOption"}
		}
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].name < gs[j].name })
	return gs, nil
}

func optionGroup(name string) string { return "option:" + strings.ToLower(name) }

// predicate is "every group but except holds" over a selector's products.
func (gs groupList) predicate(except string) func(*entsql.Selector) {
	return func(s *entsql.Selector) {
		ands := make([]*entsql.Predicate, 0, len(gs))
		for _, g := range gs {
			if g.name == except {
				continue
			}
			ors := make([]*entsql.Predicate, 0, len(g.preds))
			for _, f := range g.preds {
				ors = append(ors, f(s))
			}
			ands = append(ands, entsql.Or(ors...))
		}
		if len(ands) > 0 {
			s.Where(entsql.And(ands...))
		}
	}
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
		b.WriteString(" AND v.selected_options @> jsonb_build_array(jsonb_build_object('name', ").Arg(name).
			WriteString("::text, 'value', ").Arg(value).WriteString("::text))")
		return
	}
	b.WriteString(" AND EXISTS (SELECT 1 FROM json_each(v.selected_options) o WHERE json_extract(o.value, '$.name') = ").Arg(name).
		WriteString(" AND json_extract(o.value, '$.value') = ").Arg(value).WriteByte(')')
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
