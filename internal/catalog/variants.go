package catalog

import (
	"slices"
	"strconv"
	"strings"

	"storefront/ent"
	"storefront/ent/schema"
)

// VariantSelection is how a storefront names a variant by its option values.
type VariantSelection struct {
	Options []schema.SelectedOption
	// IgnoreUnknown drops options the product does not have instead of matching nothing.
	IgnoreUnknown bool
	// CaseInsensitive matches option names and values regardless of case.
	CaseInsensitive bool
}

// matches reports whether variant v has every selected option value; names of options the
// product lacks (options) fail the match unless IgnoreUnknown.
func (s VariantSelection) matches(v *ent.ProductVariant, options []string) bool {
	eq := func(a, b string) bool {
		if s.CaseInsensitive {
			return strings.EqualFold(a, b)
		}
		return a == b
	}
	for _, want := range s.Options {
		if !slices.ContainsFunc(options, func(n string) bool { return eq(n, want.Name) }) {
			if s.IgnoreUnknown {
				continue
			}
			return false
		}
		if !slices.ContainsFunc(v.SelectedOptions, func(o schema.SelectedOption) bool { return eq(o.Name, want.Name) && eq(o.Value, want.Value) }) {
			return false
		}
	}
	return true
}

// optionNames lists the names of a product's options, from its options or, when it has
// none recorded, from its variants' selected options.
func optionNames(options []*ent.ProductOption, variants []*ent.ProductVariant) []string {
	var names []string
	for _, o := range options {
		names = append(names, o.Name)
	}
	if len(names) == 0 && len(variants) > 0 {
		for _, o := range variants[0].SelectedOptions {
			names = append(names, o.Name)
		}
	}
	return names
}

// SelectedOrFirstAvailable returns the first variant (in position order) that has every
// selected option value; when the selection is empty or no variant has it, the first
// variant for sale, else the first variant; nil for a product without variants. This is
// Shopify's Product.selectedOrFirstAvailableVariant.
func SelectedOrFirstAvailable(options []*ent.ProductOption, variants []*ent.ProductVariant, sel VariantSelection) *ent.ProductVariant {
	if len(variants) == 0 {
		return nil
	}
	names := optionNames(options, variants)
	if len(sel.Options) > 0 {
		for _, v := range variants {
			if sel.matches(v, names) {
				return v
			}
		}
	}
	for _, v := range variants {
		if v.Available > 0 {
			return v
		}
	}
	return variants[0]
}

// Adjacent returns the variants whose option values differ from base's in exactly one
// option, ordered by ID (Shopify's Product.adjacentVariants).
func Adjacent(variants []*ent.ProductVariant, base *ent.ProductVariant) []*ent.ProductVariant {
	out := []*ent.ProductVariant{}
	if base == nil {
		return out
	}
	for _, v := range variants {
		if v.ID == base.ID || len(v.SelectedOptions) != len(base.SelectedOptions) {
			continue
		}
		diff := 0
		for _, o := range base.SelectedOptions {
			if !slices.ContainsFunc(v.SelectedOptions, func(p schema.SelectedOption) bool { return p.Name == o.Name && p.Value == o.Value }) {
				diff++
			}
		}
		if diff == 1 {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b *ent.ProductVariant) int { return a.ID - b.ID })
	return out
}

// positions maps a variant to the positions of its option values: one index per option
// of the product, in option order, each the value's index within its option. ok is false
// when the variant has a value the options do not list.
func positions(options []*ent.ProductOption, v *ent.ProductVariant) (pos []int, ok bool) {
	pos = make([]int, len(options))
	for i, o := range options {
		j := slices.IndexFunc(v.SelectedOptions, func(s schema.SelectedOption) bool { return s.Name == o.Name })
		if j < 0 {
			return nil, false
		}
		k := slices.IndexFunc(o.Edges.Values, func(val *ent.ProductOptionValue) bool { return val.Name == v.SelectedOptions[j].Value })
		if k < 0 {
			return nil, false
		}
		pos[i] = k
	}
	return pos, true
}

// FirstSelectable returns the variant with the given value of option (an option of the
// product) whose other option values come first in option order (Shopify's
// ProductOptionValue.firstSelectableVariant); nil when no variant has the value.
func FirstSelectable(options []*ent.ProductOption, variants []*ent.ProductVariant, option, value string) *ent.ProductVariant {
	var best *ent.ProductVariant
	var bestPos []int
	for _, v := range variants {
		if !slices.Contains(v.SelectedOptions, schema.SelectedOption{Name: option, Value: value}) {
			continue
		}
		pos, ok := positions(options, v)
		if !ok {
			if best == nil {
				best = v
			}
			continue
		}
		if bestPos == nil || slices.Compare(pos, bestPos) < 0 {
			best, bestPos = v, pos
		}
	}
	return best
}

// EncodeVariants writes the option value combinations of the variants (only those for
// sale when available is true) in Shopify's v1 encoding of encodedVariantExistence and
// encodedVariantAvailability: a trie of option value positions in option order, where `:`
// descends to the next option, `,` ends a prefix, ` ` separates values and `-` joins a run
// of consecutive values at the last option ("v1_0:0:0,1:0-1,,1:0:0-1,1:1,,2:0:1,1:0,,").
func EncodeVariants(options []*ent.ProductOption, variants []*ent.ProductVariant, available bool) string {
	var combos [][]int
	for _, v := range variants {
		if available && v.Available <= 0 {
			continue
		}
		if pos, ok := positions(options, v); ok && len(pos) > 0 {
			combos = append(combos, pos)
		}
	}
	slices.SortFunc(combos, slices.Compare)
	combos = slices.CompactFunc(combos, slices.Equal)
	var b strings.Builder
	b.WriteString("v1_")
	encodeLevel(&b, combos, 0, len(options))
	return b.String()
}

// encodeLevel writes the sorted combos, which share their first depth positions.
func encodeLevel(b *strings.Builder, combos [][]int, depth, width int) {
	if depth == width-1 {
		// The last option: its values as runs; a run of two or more is "a-b".
		for i := 0; i < len(combos); {
			j := i
			for j+1 < len(combos) && combos[j+1][depth] == combos[j][depth]+1 {
				j++
			}
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.Itoa(combos[i][depth]))
			if j > i {
				b.WriteByte('-')
				b.WriteString(strconv.Itoa(combos[j][depth]))
			}
			i = j + 1
		}
		if depth > 0 {
			b.WriteByte(',')
		}
		return
	}
	for i := 0; i < len(combos); {
		j := i
		for j < len(combos) && combos[j][depth] == combos[i][depth] {
			j++
		}
		b.WriteString(strconv.Itoa(combos[i][depth]))
		b.WriteByte(':')
		encodeLevel(b, combos[i:j], depth+1, width)
		i = j
	}
	if depth > 0 {
		b.WriteByte(',')
	}
}
