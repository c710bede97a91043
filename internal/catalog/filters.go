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
	if len(filters) == 0 {
		return nil, "", nil
	}
	groups := map[string][]func(*entsql.Selector) *entsql.Predicate{}
	var canon []string
	add := func(group string, f func(*entsql.Selector) *entsql.Predicate, c string) {
		groups[group] = append(groups[group], f)
		canon = append(canon, group+"="+c)
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
					return nil, "", &paging.InputError{Argument: fmt.Sprintf("filters[%d].price.min", i), Message: "price.min must be a non-negative amount"}
				}
			}
			if f.PriceMax != nil {
				if hi, err = money.FromFloat(*f.PriceMax, currency); err != nil || hi < 0 {
					return nil, "", &paging.InputError{Argument: fmt.Sprintf("filters[%d].price.max", i), Message: "price.max must be a non-negative amount"}
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
			add("option:"+strings.ToLower(name), func(s *entsql.Selector) *entsql.Predicate {
				return variantExists(dialectName, s, func(b *entsql.Builder) { optionMatch(dialectName, b, name, value) })
			}, value)
		}
		if set != 1 {
			return nil, "", &paging.InputError{Argument: fmt.Sprintf("filters[%d]", i), Message: "each filter must set exactly one of available, price, productType, productVendor, tag, variantOption"}
		}
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Strings(names)
	sort.Strings(canon)
	return func(s *entsql.Selector) {
		ands := make([]*entsql.Predicate, 0, len(names))
		for _, g := range names {
			ors := make([]*entsql.Predicate, 0, len(groups[g]))
			for _, f := range groups[g] {
				ors = append(ors, f(s))
			}
			ands = append(ands, entsql.Or(ors...))
		}
		s.Where(entsql.And(ands...))
	}, strings.Join(canon, "&"), nil
}

// variantExists is "some variant of the product (selector s), aliased v, meets cond".
func variantExists(_ string, s *entsql.Selector, cond func(b *entsql.Builder)) *entsql.Predicate {
	return variantWhere(s.C("id"), cond)
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
