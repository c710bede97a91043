package catalog

import (
	"context"
	"fmt"
	"slices"
	"strings"

	entsql "entgo.io/ent/dialect/sql"

	enttranslation "storefront/ent/translation"
	"storefront/internal/gid"
)

// ShopOptionFilters lets variantOption filters name options and values in lang (a
// LanguageCode other than the shop's), as a storefront that shows translated option names
// sends them back: each filter whose name or value is some option's or value's translation
// into lang also selects the shop language's name/value pairs behind it (OptionAlso; the
// first becomes the filter's own name and value, which group it with other filters of that
// option). Names and values compare exactly, as filters do. Filters that name nothing
// translated are returned as they are. One statement, only when there is an option filter.
func (s *Service) ShopOptionFilters(ctx context.Context, lang string, filters []ProductFilter) ([]ProductFilter, error) {
	var names, values []string
	for _, f := range filters {
		if f.HasOption {
			names, values = append(names, f.OptionName), append(values, f.OptionValue)
		}
	}
	if lang == "" || len(names) == 0 {
		return filters, nil
	}
	rows, err := s.translatedOptionPairs(ctx, lang, names, values)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(filters)
	for i, f := range out {
		if !f.HasOption {
			continue
		}
		var pairs [][2]string
		for _, r := range rows {
			if (r.option == f.OptionName || r.optionTr == f.OptionName) && (r.value == f.OptionValue || r.valueTr == f.OptionValue) {
				p := [2]string{r.option, r.value}
				if p != [2]string{f.OptionName, f.OptionValue} && !slices.Contains(pairs, p) {
					pairs = append(pairs, p)
				}
			}
		}
		if len(pairs) == 0 {
			continue
		}
		// The names as sent may be the shop language's somewhere else: they still count.
		f.OptionAlso = append(pairs[1:], [2]string{f.OptionName, f.OptionValue})
		f.OptionName, f.OptionValue = pairs[0][0], pairs[0][1]
		out[i] = f
	}
	return out, nil
}

// optionPair is an option value of some product in the shop language with its option,
// and their translations ("" when none).
type optionPair struct{ option, value, optionTr, valueTr string }

// translatedOptionPairs reads the distinct option/value pairs whose value's translation
// into lang is one of values, or whose option's translation is one of names and value
// one of values; the translations are found through their locale index and lead to the
// options by ID.
func (s *Service) translatedOptionPairs(ctx context.Context, lang string, names, values []string) ([]optionPair, error) {
	prefix := func(typ string) string { return strings.TrimSuffix(gid.Format(typ, 0), "0") }
	optPrefix, valPrefix := prefix(gid.ProductOption), prefix(gid.ProductOptionValue)
	b := &entsql.Builder{}
	b.SetDialect(s.db.Dialect)
	in := func(list []string) {
		b.WriteString("(")
		for i, v := range list {
			if i > 0 {
				b.WriteString(", ")
			}
			b.Arg(v)
		}
		b.WriteString(")")
	}
	tr := enttranslation.Table
	// t is a translation of an option (or value) with the given prefix; id the column it
	// translates.
	// (The LIKE inside keeps the cast away from other resources' IDs whatever order the
	// database evaluates conditions in.)
	idOf := func(t, pfx string) string {
		col := t + "." + enttranslation.FieldResourceID
		return fmt.Sprintf("CAST(CASE WHEN %s LIKE '%s%%' THEN SUBSTR(%s, %d) END AS INTEGER)", col, pfx, col, len(pfx)+1)
	}
	joinTr := func(t, pfx, id string) {
		b.WriteString(fmt.Sprintf(" LEFT JOIN %s %s ON %s.%s = '%s' || %s AND %s.%s = 'name' AND %s.%s = ", tr, t, t, enttranslation.FieldResourceID, pfx, id, t, enttranslation.FieldKey, t, enttranslation.FieldLocale)).Arg(lang)
	}
	isTr := func(t, pfx string) {
		b.WriteString(fmt.Sprintf("%s.%s = ", t, enttranslation.FieldLocale)).Arg(lang).
			WriteString(fmt.Sprintf(" AND %s.%s = 'name' AND %s.%s LIKE '%s%%' AND %s.%s IN ", t, enttranslation.FieldKey, t, enttranslation.FieldResourceID, pfx, t, enttranslation.FieldValue))
	}
	cols := "SELECT DISTINCT o.name, ov.name, COALESCE(tn.value, ''), COALESCE(tv.value, '')"
	// Values named by their translation (with the option named either way).
	b.WriteString(cols + " FROM " + tr + " tv JOIN product_option_values ov ON ov.id = " + idOf("tv", valPrefix) + " JOIN product_options o ON o.id = ov.option_id")
	joinTr("tn", optPrefix, "o.id")
	b.WriteString(" WHERE ")
	isTr("tv", valPrefix)
	in(values)
	// Options named by their translation, values in the shop language.
	b.WriteString(" UNION " + cols + " FROM " + tr + " tn JOIN product_options o ON o.id = " + idOf("tn", optPrefix) + " JOIN product_option_values ov ON ov.option_id = o.id")
	joinTr("tv", valPrefix, "ov.id")
	b.WriteString(" WHERE ")
	isTr("tn", optPrefix)
	in(names)
	b.WriteString(" AND ov.name IN ")
	in(values)
	query, args := b.Query()
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read translated option names: %w", err)
	}
	defer rows.Close()
	var out []optionPair
	for rows.Next() {
		var p optionPair
		if err := rows.Scan(&p.option, &p.value, &p.optionTr, &p.valueTr); err != nil {
			return nil, fmt.Errorf("read translated option names: %w", err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read translated option names: %w", err)
	}
	slices.SortFunc(out, func(a, b optionPair) int {
		return strings.Compare(a.option+"\x00"+a.value, b.option+"\x00"+b.value)
	})
	return out, nil
}
